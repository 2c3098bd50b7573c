"""Recipe of the `vicreg_convnet_fashion_mnist` preset.

VICReg (Bardes et al. 2022, weights 25 / 25 / 1) on the default ConvNet,
pretrained on Fashion-MNIST's 60,000 training images without labels. The
recipe is `vicreg_convnet_mnist5k_v2`'s (AdamW 2e-3 with cosine decay, a
256-wide projector, batch 256), chosen before any Fashion-MNIST run, with
views for clothing instead of digits (`keras_ssl.augment.clothing_views`: a
horizontal flip, crops of 30-100% of the area, brightness and contrast
jitter, a light blur, no rotation). Cut for the 2-core CPU: 12 epochs (the
paper trains 1,000 on ImageNet).

    python zoo/recipes/vicreg_convnet_fashion_mnist.py
"""

import fashion_recipe_tools
import recipe_tools

import keras_ssl


def build_model(seed):
    return keras_ssl.VICReg(
        encoder=keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)),
        projection_hidden_units=(256, 256),
        projection_units=256,
        augmentation=keras_ssl.augment.clothing_views(seed=seed),
        seed=seed,
    )


if __name__ == "__main__":
    fashion_recipe_tools.fashion_recipe(
        "vicreg_convnet_fashion_mnist",
        build_model,
        optimizer=recipe_tools.cosine_adam(2e-3, weight_decay=1e-4),
        epochs=12,
        batch_size=256,
        description=(
            "VICReg on the default keras_ssl ConvNet (139,808 weights) with "
            "clothing views and a 256-wide projector, pretrained on "
            "Fashion-MNIST's 60,000 training images without labels."
        ),
    )
