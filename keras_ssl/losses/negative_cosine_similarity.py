"""SimSiam's negative cosine similarity with a stop-gradient on the target."""

from keras import ops

from keras_ssl.serialization import keras_ssl_serializable

__all__ = ["negative_cosine_similarity"]

# Squared norm below which a vector counts as zero (norm 1e-6).
_MIN_SQUARED_NORM = 1e-12


def _unit(x):
    """Rows of `x` scaled to unit length; a zero row (no direction) stays
    zero, with a zero gradient. `keras.ops.normalize` gives such a row a NaN
    (TensorFlow with XLA) or a 1 / epsilon-sized gradient: a predictor whose
    hidden ReLUs are all off for an example outputs its bias, 0 at init."""
    squared = ops.sum(ops.square(x), axis=-1, keepdims=True)
    has_direction = squared > _MIN_SQUARED_NORM
    safe = ops.where(has_direction, squared, ops.ones_like(squared))
    return ops.where(has_direction, x * ops.rsqrt(safe), ops.zeros_like(x))


@keras_ssl_serializable
def negative_cosine_similarity(p, z, stop_gradient=True):
    """Batch mean of `-cos(p, stop_gradient(z))` (Chen & He 2021, Eq. 1, 3).

    SimSiam minimizes `D(p1, stopgrad(z2)) / 2 + D(p2, stopgrad(z1)) / 2`
    with `D(p, z) = -p / ||p|| . z / ||z||`; this function is one `D`,
    averaged over the batch. Values lie in [-1, 1]; -1 when every `p` points
    along its `z`.

    Reference: https://arxiv.org/abs/2011.10566

    Args:
        p: float tensor `(N, D)`. The predictor's outputs.
        z: float tensor `(N, D)`. The projections of the other view.
        stop_gradient: bool. Treat `z` as a constant (the paper's method);
            False is the paper's collapsing ablation (Sec. 4.1).

    Returns:
        float32 scalar.

    Example:
    >>> float(negative_cosine_similarity(np.ones((2, 3)), 2 * np.ones((2, 3))))
    -1.0
    """
    if len(p.shape) != 2 or tuple(p.shape) != tuple(z.shape):
        raise ValueError(
            f"negative_cosine_similarity takes p and z of the same shape "
            f"(N, D); got {tuple(p.shape)} and {tuple(z.shape)}."
        )
    p = _unit(ops.cast(p, "float32"))
    z = _unit(ops.cast(z, "float32"))
    if stop_gradient:
        z = ops.stop_gradient(z)
    return -ops.mean(ops.sum(p * z, axis=-1))
