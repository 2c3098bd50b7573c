"""Recipe of the `jigsaw_convnet_fashion_mnist` preset.

Jigsaw puzzles (Noroozi & Favaro 2016, arXiv 1603.09246) on the default
ConvNet, pretrained on Fashion-MNIST's 60,000 training images without
labels. The recipe is `jigsaw_convnet_mnist5k`'s (100 maximal-Hamming
permutations, 3x3 cells of 9 pixels with 7-pixel tiles at random offsets,
AdamW 1e-3 with cosine decay), chosen before any Fashion-MNIST run, at
batch 256 instead of 128 for the larger data set (not tuned). The probe
feeds whole 28x28 images to the fully convolutional encoder. Cut for the
2-core CPU: 15 epochs (the paper trains 350,000 steps at batch 256).

    python zoo/recipes/jigsaw_convnet_fashion_mnist.py
"""

import fashion_recipe_tools
import recipe_tools

import keras_ssl


def build_model(seed):
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    return keras_ssl.Jigsaw(encoder=encoder, num_permutations=100, seed=seed)


if __name__ == "__main__":
    fashion_recipe_tools.fashion_recipe(
        "jigsaw_convnet_fashion_mnist",
        build_model,
        optimizer=recipe_tools.cosine_adam(1e-3, weight_decay=1e-4),
        epochs=15,
        batch_size=256,
        description=(
            "Jigsaw puzzles (100 permutations of 9 tiles of 7x7 pixels) on the "
            "default keras_ssl ConvNet (139,808 weights), pretrained on "
            "Fashion-MNIST's 60,000 training images without labels."
        ),
    )
