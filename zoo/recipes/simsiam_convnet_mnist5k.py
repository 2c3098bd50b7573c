"""Recipe of the `simsiam_convnet_mnist5k` preset.

SimSiam (stop-gradient, bottleneck predictor) on the default ConvNet,
pretrained on the 4,000 unlabeled digits of mnist5k's train split with the
grayscale digit views; measured by `keras_ssl.evaluation.mnist5k_metrics`. A
short schedule (30 epochs, 480 steps), sized for the project's 2-core CPU.

    python zoo/recipes/simsiam_convnet_mnist5k.py
"""

import recipe_tools

import keras_ssl


def build_model(seed):
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    return keras_ssl.SimSiam(encoder=encoder, seed=seed)


if __name__ == "__main__":
    recipe_tools.image_recipe(
        "simsiam_convnet_mnist5k",
        build_model,
        optimizer=recipe_tools.cosine_adam(2e-3, weight_decay=1e-4),
        epochs=30,
        batch_size=256,
        description=(
            "SimSiam on the default keras_ssl ConvNet (139,808 weights), "
            "pretrained on mnist5k's 4,000 training digits without labels."
        ),
    )
