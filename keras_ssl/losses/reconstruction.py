"""Pixel reconstruction loss of the autoencoder."""

from keras import ops

__all__ = ["reconstruction_loss"]

RECONSTRUCTION_LOSSES = ("mse", "bce")


def reconstruction_loss(images, logits, kind="mse"):
    """Mean per-pixel reconstruction loss from decoder logits.

    Args:
        images: float tensor `(N, H, W, C)`, targets in [0, 1].
        logits: float tensor `(N, H, W, C)`, the decoder's pre-sigmoid output.
        kind: `"mse"`: mean of `(sigmoid(logits) - images)**2`; `"bce"`: mean
            binary cross-entropy of `images` against `sigmoid(logits)`,
            computed from the logits for numerical stability.

    Returns:
        float32 scalar.

    Example:
    >>> reconstruction_loss(np.ones((1, 2, 2, 1)), np.zeros((1, 2, 2, 1)))
    0.25
    """
    if kind not in RECONSTRUCTION_LOSSES:
        raise ValueError(
            f"Unknown reconstruction loss {kind!r}; choose one of "
            f"{RECONSTRUCTION_LOSSES}."
        )
    images = ops.cast(images, "float32")
    logits = ops.cast(logits, "float32")
    if kind == "mse":
        return ops.mean(ops.square(ops.sigmoid(logits) - images))
    return ops.mean(ops.binary_crossentropy(images, logits, from_logits=True))
