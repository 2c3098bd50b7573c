"""Map class labels of any kind (ints, strings) to codes 0..C-1."""

import numpy as np


def encode_labels(train_labels, val_labels):
    """Codes `0..C-1` for the labels of a train and a validation set.

    The classes are the sorted union of both sets, so a class seen only in
    the validation set gets a code (and can never be predicted).

    Args:
        train_labels: array `(N,)` of labels (ints, strings, ...).
        val_labels: array `(M,)` of labels of the same kind.

    Returns:
        `(train_codes, val_codes, classes)`: int32 arrays `(N,)` and `(M,)`,
        and the array of the C classes in code order.

    Example:
    >>> encode_labels(np.array(["b", "a"]), np.array(["a"]))
    (array([1, 0], dtype=int32), array([0], dtype=int32), array(['a', 'b'], dtype='<U1'))
    """
    train_labels = np.asarray(train_labels).reshape(-1)
    val_labels = np.asarray(val_labels).reshape(-1)
    if len(train_labels) == 0:
        raise ValueError("The training labels are empty; pass at least one.")
    if train_labels.dtype.kind == "f":
        if not np.all(train_labels == np.round(train_labels)):
            raise ValueError(
                "Labels must be class ids (ints or strings), not fractional "
                "floats; one-hot or soft labels are not supported."
            )
    classes = np.unique(np.concatenate([train_labels, val_labels]))
    if len(classes) < 2:
        raise ValueError(
            f"A probe needs at least 2 classes; the labels hold only "
            f"{classes.tolist()}."
        )
    train_codes = np.searchsorted(classes, train_labels).astype("int32")
    val_codes = np.searchsorted(classes, val_labels).astype("int32")
    return train_codes, val_codes, classes
