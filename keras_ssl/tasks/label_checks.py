"""Checks of classification labels, before any training step runs.

A wrong label fails inside the loss with a shape or index error far from
its cause (on JAX an out-of-range sparse label is silently clipped). These
checks run once, in `Classifier.fit`, and name the problem and the fix.
"""

import numpy as np


def check_sparse_labels(labels, num_classes, num_examples=None, name="labels"):
    """Check integer class ids `0..num_classes-1`, one per example.

    Args:
        labels: array-like `(N,)` (or `(N, 1)`) of class ids.
        num_classes: int. The classifier's number of classes.
        num_examples: int or None. N, when the inputs are known.
        name: str. What to call the labels in messages (e.g. `"y"`).

    Returns:
        int32 numpy array `(N,)`.

    Raises:
        ValueError: one-hot or soft labels, fractional floats, strings, ids
            outside `0..num_classes-1`, or a count that differs from the
            number of inputs.

    Example:
    >>> check_sparse_labels([0, 2, 1], num_classes=3)
    array([0, 2, 1], dtype=int32)
    """
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        hint = (
            " They look one-hot: pass labels.argmax(axis=-1)."
            if labels.ndim == 2 and labels.shape[1] == num_classes
            else ""
        )
        raise ValueError(
            f"{name} must be one class id per example, shape (N,); got shape "
            f"{labels.shape}.{hint}"
        )
    if labels.dtype.kind not in "iuf" or labels.dtype == bool:
        raise ValueError(
            f"{name} must be integer class ids 0..{num_classes - 1}; got dtype "
            f"{labels.dtype}. Map string labels to ids first (e.g. "
            f"np.unique(labels, return_inverse=True)[1])."
        )
    if labels.dtype.kind == "f" and not np.all(labels == np.round(labels)):
        raise ValueError(
            f"{name} must be integer class ids 0..{num_classes - 1}, not "
            f"fractional floats (soft labels are not supported); got e.g. "
            f"{labels[labels != np.round(labels)][:3].tolist()}."
        )
    if num_examples is not None and len(labels) != num_examples:
        raise ValueError(
            f"Got {num_examples} inputs but {len(labels)} {name}; pass one "
            f"label per input (image or text)."
        )
    if len(labels) and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"{name} hold class ids from {int(labels.min())} to "
            f"{int(labels.max())}, outside 0..{num_classes - 1} for "
            f"num_classes={num_classes}. Build the classifier with "
            f"num_classes={int(labels.max()) + 1} (or more), or remap the "
            f"labels to 0..num_classes-1."
        )
    return labels.astype("int32")


def check_label_spec(spec, num_classes):
    """Check the label part of a `tf.data` element spec (no values read).

    Args:
        spec: `tf.TensorSpec` of a batch of labels.
        num_classes: int. The classifier's number of classes.

    Raises:
        ValueError: labels that are not integers, or one-hot (rank 2 with
            `num_classes` columns, e.g. `label_mode="categorical"`).
    """
    if not spec.dtype.is_integer:
        raise ValueError(
            f"The dataset's labels have dtype {spec.dtype.name}; pass integer "
            f"class ids (e.g. image_dataset_from_directory(label_mode='int'))."
        )
    rank = spec.shape.rank
    if rank is not None and rank > 1 and spec.shape[-1] != 1:
        raise ValueError(
            f"The dataset's labels have shape {spec.shape}; pass one class id "
            f"per example, shape (batch,) (e.g. label_mode='int', or map "
            f"one-hot labels with tf.argmax(labels, axis=-1))."
        )
