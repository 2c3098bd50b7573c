"""Probe accuracy as a function of the number of labels per class."""

import numpy as np

from keras_ssl.datasets.mnist5k_data import per_class_subset
from keras_ssl.evaluation.features import labeled_features
from keras_ssl.evaluation.fine_tune import DEFAULT_EPOCHS
from keras_ssl.evaluation.fine_tune import fine_tune as fine_tune_accuracy
from keras_ssl.evaluation.fine_tune import labeled_arrays
from keras_ssl.evaluation.knn import knn_accuracy
from keras_ssl.evaluation.linear_probe import linear_probe

#: The label budgets of keras_ssl's tables: labels per class, then all.
DEFAULT_LABELS_PER_CLASS = (1, 10, 100, "all")


def _check_budget(budget):
    if budget == "all":
        return
    if isinstance(budget, bool) or int(budget) != budget or budget < 1:
        raise ValueError(
            f"labels_per_class entries must be positive ints or 'all'; got "
            f"{budget!r}."
        )


def label_efficiency(
    encoder,
    train,
    test,
    labels_per_class=DEFAULT_LABELS_PER_CLASS,
    draws=3,
    k=20,
    probe_epochs=100,
    seed=0,
    feature_batch_size=256,
    fine_tune=False,
    fine_tune_epochs=DEFAULT_EPOCHS,
    fine_tune_steps=None,
    fine_tune_kwargs=None,
):
    """Linear-probe, kNN (and fine-tuning) accuracy on `test`, by label budget.

    The features of `train` and `test` are computed once. For each budget
    of `n` labels per class, `draws` subsets of `train` are drawn with
    `keras_ssl.datasets.per_class_subset(labels, n, seed=seed + draw)`; a
    linear probe (`linear_probe`, `probe_epochs` epochs) and weighted kNN
    (`knn_accuracy`, k capped at the subset size) are scored on `test` for
    each, and the mean and standard deviation over draws are reported.
    The budget `"all"` uses the whole train set once. With
    `fine_tune=True`, each subset also fine-tunes a copy of the encoder
    (`keras_ssl.evaluation.fine_tune`, `fine_tune_epochs` epochs; pixels
    0-255), reported as `fine_tune_accuracy` and `fine_tune_accuracy_std`.

    Args:
        encoder: `keras.Model` (e.g. `model.encoder`), or None to probe the
            inputs themselves (the raw-pixel baseline).
        train: labeled pool `(x, y)` (or dict / `tf.data`, as in
            `linear_probe`) the labeled subsets are drawn from.
        test: labeled data the probes are scored on.
        labels_per_class: sequence of ints and/or `"all"`.
        draws: int. Subsets drawn per budget (budgets other than `"all"`).
        k: int. kNN neighbours.
        probe_epochs: int. Epochs of each linear probe.
        seed: int. First subset seed; also the probes' seed.
        feature_batch_size: int. Batch size of the encoder's forward passes.
        fine_tune: bool. Add the fine-tuning column (needs an encoder).
        fine_tune_epochs: int. Epochs of each fine-tuning run.
        fine_tune_steps: int or None. Instead of `fine_tune_epochs`, a
            budget of optimizer steps for each fine-tuning run (`fine_tune`'s
            `steps`): every label budget gets the same number of updates.
        fine_tune_kwargs: dict or None. More `fine_tune` arguments (`mode`,
            `augmentation`, `learning_rate`, ...).

    Returns:
        list of dicts, one per budget: `labels_per_class`, `examples`,
        `draws`, `probe_accuracy`, `probe_accuracy_std`, `knn_accuracy`,
        `knn_accuracy_std` (and `fine_tune_accuracy`,
        `fine_tune_accuracy_std` with `fine_tune=True`).

    Example:
    ```python
    rows = keras_ssl.evaluation.label_efficiency(
        model.encoder,
        train=keras_ssl.datasets.mnist5k("train"),
        test=keras_ssl.datasets.mnist5k("test"),
    )
    rows[0]["probe_accuracy"]  # with 1 label per class, mean of 3 draws
    ```
    """
    for budget in labels_per_class:
        _check_budget(budget)
    if int(draws) != draws or draws < 1:
        raise ValueError(f"draws must be a positive int; got {draws!r}.")
    if fine_tune and encoder is None:
        raise ValueError(
            "fine_tune=True trains the encoder; pass one (encoder=None probes "
            "raw pixels, which have nothing to fine-tune)."
        )
    if fine_tune:
        train_images, _ = labeled_arrays(train)
        test_images = labeled_arrays(test)[0]
    train_features, train_labels = labeled_features(encoder, train, feature_batch_size)
    test_features, test_labels = labeled_features(encoder, test, feature_batch_size)
    rows = []
    for budget in labels_per_class:
        if budget == "all":
            subsets = [np.arange(len(train_labels))]
        else:
            subsets = [
                per_class_subset(train_labels, int(budget), seed=seed + draw)
                for draw in range(int(draws))
            ]
        probe, knn, tuned = [], [], []
        for index in subsets:
            subset = (train_features[index], train_labels[index])
            probe.append(
                linear_probe(
                    None,
                    subset,
                    (test_features, test_labels),
                    epochs=probe_epochs,
                    seed=seed,
                )["accuracy"]
            )
            knn.append(
                knn_accuracy(None, subset, (test_features, test_labels), k=k)
            )
            if fine_tune:
                tuned.append(
                    fine_tune_accuracy(
                        encoder,
                        (train_images[index], train_labels[index]),
                        (test_images, test_labels),
                        epochs=fine_tune_epochs if fine_tune_steps is None else None,
                        steps=fine_tune_steps,
                        seed=seed,
                        **(fine_tune_kwargs or {}),
                    )["accuracy"]
                )
        row = {
            "labels_per_class": budget,
            "examples": len(subsets[0]),
            "draws": len(subsets),
            "probe_accuracy": float(np.mean(probe)),
            "probe_accuracy_std": float(np.std(probe)),
            "knn_accuracy": float(np.mean(knn)),
            "knn_accuracy_std": float(np.std(knn)),
        }
        if fine_tune:
            row["fine_tune_accuracy"] = float(np.mean(tuned))
            row["fine_tune_accuracy_std"] = float(np.std(tuned))
        rows.append(row)
    return rows
