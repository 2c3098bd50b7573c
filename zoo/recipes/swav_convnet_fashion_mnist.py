"""Recipe of the `swav_convnet_fashion_mnist` preset.

SwAV (Caron et al. 2020, arXiv 2006.09882) on the default ConvNet,
pretrained on Fashion-MNIST's 60,000 training images without labels. The
recipe is `swav_convnet_mnist5k`'s (2 global 28-pixel + 4 local 12-pixel
crops, K = 100 prototypes, epsilon 0.05, 3 Sinkhorn iterations,
temperature 0.1, prototypes frozen for the first epoch, AdamW 1e-3 with
cosine decay), chosen before any Fashion-MNIST run, with three changes
made for the data set and its size, not tuned: the crops flip
horizontally (a mirrored shirt is still a shirt; `multi_crop_views(...,
horizontal_flip=True)`), batch 256 (235 steps an epoch instead of 31) and
a 1,024-image queue from epoch 3 (the paper adds a queue below batch 256:
at 256 a batch gives Sinkhorn 2.6 examples per prototype). Cut for the
2-core CPU: 10 epochs (the paper trains 400 to 800 on ImageNet).

    python zoo/recipes/swav_convnet_fashion_mnist.py
"""

import fashion_recipe_tools
import recipe_tools

import keras_ssl


def build_model(seed):
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    views = keras_ssl.augment.multi_crop_views(
        (28, 28, 1), local_crops=4, horizontal_flip=True, seed=seed,
    )
    return keras_ssl.SwAV(
        encoder=encoder, num_prototypes=100, augmentation=views, local_crops=4,
        queue_size=1024, queue_start_epoch=3, seed=seed,
    )


if __name__ == "__main__":
    fashion_recipe_tools.fashion_recipe(
        "swav_convnet_fashion_mnist",
        build_model,
        optimizer=recipe_tools.cosine_adam(1e-3, weight_decay=1e-4),
        epochs=10,
        batch_size=256,
        description=(
            "SwAV (multi-crop: 2 global + 4 local crops with flips, 100 "
            "prototypes, a 1,024-image queue) on the default keras_ssl ConvNet "
            "(139,808 weights), pretrained on Fashion-MNIST's 60,000 training "
            "images without labels."
        ),
    )
