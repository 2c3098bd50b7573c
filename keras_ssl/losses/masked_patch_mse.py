"""MAE's loss: mean squared error on the masked patches only."""

from keras import ops

__all__ = ["masked_patch_mse"]


def masked_patch_mse(targets, predictions, mask, normalize_targets=True, epsilon=1e-6):
    """Mean squared error of the masked patches' pixels (He et al. 2022).

    MAE (https://arxiv.org/abs/2111.06377, Sec. 3): "the loss function
    computes the mean squared error (MSE) between the reconstructed and
    original images in the pixel space. We compute the loss only on masked
    patches". With `normalize_targets` (the paper's default, Table 1c),
    each target patch is standardised by its own pixels' mean and variance:
    `(t - mean) / sqrt(var + epsilon)`.

    Args:
        targets: float `(N, P, L)`: each image's P patches, flattened to L
            pixel values (e.g. `keras_ssl.methods.patchify(images / 255)`).
        predictions: float `(N, P, L)`: the decoder's reconstruction.
        mask: `(N, P)`: 1 for a masked patch (in the loss), 0 for a visible
            one (ignored).
        normalize_targets: bool. Per-patch pixel normalisation of targets.
        epsilon: float. Added to the per-patch variance.

    Returns:
        float32 scalar: the per-patch MSE averaged over the masked patches
        of the batch.

    Example:
    >>> targets = np.zeros((1, 2, 4))
    >>> masked_patch_mse(targets, np.ones((1, 2, 4)), [[1.0, 0.0]], False)
    1.0
    """
    targets = ops.cast(targets, "float32")
    predictions = ops.cast(predictions, "float32")
    mask = ops.cast(mask, "float32")
    if len(targets.shape) != 3 or tuple(targets.shape) != tuple(predictions.shape):
        raise ValueError(
            f"targets and predictions must both be (N, P, L) patches; got "
            f"{tuple(targets.shape)} and {tuple(predictions.shape)}."
        )
    if tuple(mask.shape) != tuple(targets.shape[:2]):
        raise ValueError(
            f"mask must be (N, P) = {tuple(targets.shape[:2])}, one entry per "
            f"patch (1 = masked); got {tuple(mask.shape)}."
        )
    if epsilon < 0:
        raise ValueError(f"epsilon must be >= 0; got {epsilon}.")
    if normalize_targets:
        mean = ops.mean(targets, axis=-1, keepdims=True)
        variance = ops.var(targets, axis=-1, keepdims=True)
        targets = (targets - mean) / ops.sqrt(variance + epsilon)
    per_patch = ops.mean(ops.square(predictions - targets), axis=-1)
    return ops.sum(per_patch * mask) / ops.maximum(ops.sum(mask), 1.0)
