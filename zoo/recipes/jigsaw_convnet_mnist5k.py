"""Recipe of the `jigsaw_convnet_mnist5k` preset.

Jigsaw puzzles (100 maximal-Hamming permutations, 3x3 cells of 9 pixels
with 7-pixel tiles at random offsets) on the default ConvNet, pretrained on
the 4,000 unlabeled digits of mnist5k's train split; the probe feeds whole
28x28 digits to the fully convolutional encoder. Measured by
`keras_ssl.evaluation.mnist5k_metrics`. 60 epochs at batch 128.

    python zoo/recipes/jigsaw_convnet_mnist5k.py
"""

import recipe_tools

import keras_ssl


def build_model(seed):
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    return keras_ssl.Jigsaw(encoder=encoder, num_permutations=100, seed=seed)


if __name__ == "__main__":
    recipe_tools.image_recipe(
        "jigsaw_convnet_mnist5k",
        build_model,
        optimizer=recipe_tools.cosine_adam(1e-3, weight_decay=1e-4),
        epochs=60,
        batch_size=128,
        description=(
            "Jigsaw puzzles (100 permutations of 9 tiles of 7x7 pixels) on the "
            "default keras_ssl ConvNet (139,808 weights), pretrained on "
            "mnist5k's 4,000 training digits without labels."
        ),
    )
