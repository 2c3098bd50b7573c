"""Recipe of the `autoencoder_convnet_mnist5k` preset.

A denoising convolutional autoencoder (binary cross-entropy, Gaussian noise
0.2) on the default ConvNet, pretrained on the 4,000 unlabeled digits of
mnist5k's train split; measured by `keras_ssl.evaluation.mnist5k_metrics`.

    python zoo/recipes/autoencoder_convnet_mnist5k.py
"""

import recipe_tools

import keras_ssl


def build_model(seed):
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    return keras_ssl.ConvAutoencoder(
        encoder=encoder, reconstruction_loss="bce", noise_stddev=0.2, seed=seed
    )


if __name__ == "__main__":
    recipe_tools.image_recipe(
        "autoencoder_convnet_mnist5k",
        build_model,
        optimizer=recipe_tools.cosine_adam(2e-3),
        epochs=30,
        batch_size=128,
        description=(
            "Denoising convolutional autoencoder on the default keras_ssl "
            "ConvNet (139,808 weights), pretrained on mnist5k's 4,000 training "
            "digits without labels."
        ),
    )
