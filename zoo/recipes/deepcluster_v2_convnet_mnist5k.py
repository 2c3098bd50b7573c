"""Recipe of the `deepcluster_v2_convnet_mnist5k` preset.

DeepCluster-v2 (3 heads of 100 spherical k-means centroids recomputed at
each epoch's start on a 4,000-projection memory bank, temperature 0.1) on
the default ConvNet with the grayscale digit views, pretrained on the 4,000
unlabeled digits of mnist5k's train split; measured by
`keras_ssl.evaluation.mnist5k_metrics`. The bank holds one epoch of
projections (the paper keeps one slot per training example); the first
epoch fills it with the loss masked. 60 epochs at batch 128.

    python zoo/recipes/deepcluster_v2_convnet_mnist5k.py
"""

import recipe_tools

import keras_ssl


def build_model(seed):
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    return keras_ssl.DeepClusterV2(
        encoder=encoder, num_prototypes=100, num_heads=3, memory_size=4000,
        seed=seed,
    )


if __name__ == "__main__":
    recipe_tools.image_recipe(
        "deepcluster_v2_convnet_mnist5k",
        build_model,
        optimizer=recipe_tools.cosine_adam(1e-3, weight_decay=1e-4),
        epochs=60,
        batch_size=128,
        description=(
            "DeepCluster-v2 (3 k-means heads of 100 centroids on a 4,000 "
            "memory bank) on the default keras_ssl ConvNet (139,808 "
            "weights), pretrained on mnist5k's 4,000 training digits without "
            "labels."
        ),
    )
