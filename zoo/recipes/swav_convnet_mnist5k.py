"""Recipe of the `swav_convnet_mnist5k` preset.

SwAV (2 global 28-pixel crops + 4 local 12-pixel crops, K = 100
prototypes, epsilon 0.05, 3 Sinkhorn iterations, temperature 0.1,
prototypes frozen for the first epoch, a 512-image feature queue from
epoch 5) on the default ConvNet, pretrained on the 4,000 unlabeled digits
of mnist5k's train split; measured by `keras_ssl.evaluation.mnist5k_metrics`.
A short schedule (30 epochs at batch 128, as DINO's mnist5k preset) for the
project's 2-core CPU. The queue: at batch 128 and K = 100 a batch alone
gives Sinkhorn barely one example per prototype; the paper adds a queue
below batch 256.

    python zoo/recipes/swav_convnet_mnist5k.py
"""

import recipe_tools

import keras_ssl


def build_model(seed):
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    return keras_ssl.SwAV(
        encoder=encoder, num_prototypes=100, local_crops=4, queue_size=512,
        queue_start_epoch=5, seed=seed,
    )


if __name__ == "__main__":
    recipe_tools.image_recipe(
        "swav_convnet_mnist5k",
        build_model,
        optimizer=recipe_tools.cosine_adam(1e-3, weight_decay=1e-4),
        epochs=30,
        batch_size=128,
        description=(
            "SwAV (multi-crop: 2 global + 4 local crops, 100 prototypes, a "
            "512-image queue) on the default keras_ssl ConvNet (139,808 "
            "weights), pretrained on mnist5k's 4,000 training digits without "
            "labels."
        ),
    )
