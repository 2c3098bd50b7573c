"""Recipe of the `dino_convnet_mnist5k` preset.

DINO (2 global 28-pixel crops + 4 local 12-pixel crops, teacher temperature
0.04 -> 0.07, center momentum 0.9, teacher momentum from 0.99 to 1 on the
cosine schedule) on the default ConvNet, pretrained on the 4,000 unlabeled
digits of mnist5k's train split; measured by
`keras_ssl.evaluation.mnist5k_metrics`. A short schedule (30 epochs, 960
steps at batch 128) for the project's shared 2-core CPU; the first version
of the preset had 14 epochs and lost to random init at 1 label per class. The ConvNet
rather than a ViT: on 2 CPU cores a ConvNet epoch of multi-crop DINO costs
a fraction of a ViT's, and the ConvNet is the encoder of the other mnist5k
presets and of their random-init baseline, so the figures compare. The
head has BatchNorm (DINO's code does so for convnets): without it, short
proxy runs drifted to the uniform-output collapse (loss -> log K).

    python zoo/recipes/dino_convnet_mnist5k.py
"""

import recipe_tools

import keras_ssl


def build_model(seed):
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    # A small head (96-wide MLP, bottleneck 32, K = 256). Measured: the
    # weights file, with the teacher's copies, is 1,597,976 bytes (over the
    # zoo's 1.5 MB per preset: shrink the head before shipping).
    return keras_ssl.DINO(
        encoder=encoder, local_crops=4, hidden_units=(96, 96),
        bottleneck_units=32, output_units=256, head_batch_norm=True,
        tau_base=0.99, seed=seed,
    )


if __name__ == "__main__":
    recipe_tools.image_recipe(
        "dino_convnet_mnist5k",
        build_model,
        optimizer=recipe_tools.cosine_adam(1e-3, weight_decay=1e-4),
        epochs=30,
        batch_size=128,
        description=(
            "DINO (multi-crop: 2 global + 4 local crops) on the default "
            "keras_ssl ConvNet (139,808 weights), pretrained on mnist5k's "
            "4,000 training digits without labels."
        ),
    )
