"""Recipe of the `moco_convnet_mnist5k` preset.

MoCo v3 (temperature 0.2, tau from 0.99 to 1 on the cosine schedule) on the
default ConvNet, pretrained on the 4,000 unlabeled digits of mnist5k's train
split with the grayscale digit views; measured by
`keras_ssl.evaluation.mnist5k_metrics`. A short schedule (20 epochs, 320
steps), sized for the project's 2-core CPU.

    python zoo/recipes/moco_convnet_mnist5k.py
"""

import recipe_tools

import keras_ssl


def build_model(seed):
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    # Heads half the class defaults (512 wide): the preset, with its
    # momentum copies, stays ~6 MB (the zoo's size cap is 60 MB).
    return keras_ssl.MoCo(
        encoder=encoder, projection_hidden_units=(512, 512),
        prediction_hidden_units=(512,), seed=seed,
    )


if __name__ == "__main__":
    recipe_tools.image_recipe(
        "moco_convnet_mnist5k",
        build_model,
        optimizer=recipe_tools.cosine_adam(2e-3, weight_decay=1e-4),
        epochs=20,
        batch_size=256,
        description=(
            "MoCo v3 on the default keras_ssl ConvNet (139,808 weights), "
            "pretrained on mnist5k's 4,000 training digits without labels."
        ),
    )
