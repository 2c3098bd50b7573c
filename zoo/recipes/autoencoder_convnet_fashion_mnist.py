"""Recipe of the `autoencoder_convnet_fashion_mnist` preset.

A denoising convolutional autoencoder (Vincent et al. 2008; binary
cross-entropy, Gaussian noise 0.2) on the default ConvNet, pretrained on
Fashion-MNIST's 60,000 training images without labels. The recipe is
`autoencoder_convnet_mnist5k`'s (Adam 2e-3 with cosine decay, batch 128),
chosen before any Fashion-MNIST run and not tuned on it. Cut for the
2-core CPU: 10 epochs (4,690 steps, five times the mnist5k preset's).

    python zoo/recipes/autoencoder_convnet_fashion_mnist.py
"""

import fashion_recipe_tools
import recipe_tools

import keras_ssl


def build_model(seed):
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    return keras_ssl.ConvAutoencoder(
        encoder=encoder, reconstruction_loss="bce", noise_stddev=0.2, seed=seed
    )


if __name__ == "__main__":
    fashion_recipe_tools.fashion_recipe(
        "autoencoder_convnet_fashion_mnist",
        build_model,
        optimizer=recipe_tools.cosine_adam(2e-3),
        epochs=10,
        batch_size=128,
        description=(
            "Denoising convolutional autoencoder on the default keras_ssl "
            "ConvNet (139,808 weights), pretrained on Fashion-MNIST's 60,000 "
            "training images without labels."
        ),
    )
