"""Barlow Twins' redundancy-reduction loss on the cross-correlation matrix."""

from keras import ops

from keras_ssl.backend.cross_replica import all_gather_batch
from keras_ssl.serialization import keras_ssl_serializable

__all__ = ["barlow_twins_loss", "barlow_twins_loss_terms"]


def _check(z1, z2, lambda_offdiagonal, epsilon):
    if not lambda_offdiagonal >= 0:
        raise ValueError(
            f"lambda_offdiagonal must be >= 0; got {lambda_offdiagonal}."
        )
    if not epsilon > 0:
        raise ValueError(f"epsilon must be > 0; got {epsilon}.")
    if len(z1.shape) != 2 or tuple(z1.shape) != tuple(z2.shape):
        raise ValueError(
            f"barlow_twins_loss takes two batches of embeddings of the same "
            f"shape (N, D), row i of both being views of input i; got "
            f"{tuple(z1.shape)} and {tuple(z2.shape)}."
        )


def _standardize(z, epsilon):
    """Each column to mean 0, variance 1 over the batch (biased variance,
    as BatchNorm without affine parameters does in the authors' code)."""
    centered = z - ops.mean(z, axis=0, keepdims=True)
    variance = ops.mean(ops.square(centered), axis=0, keepdims=True)
    return centered / ops.sqrt(variance + epsilon)


def barlow_twins_loss_terms(z1, z2, epsilon=1e-5, gather_distributed=True):
    """The two sums of Barlow Twins' loss, before weighting.

    Args: as `barlow_twins_loss`.

    Returns:
        `(invariance, redundancy)`: float32 scalars `sum_i (1 - C_ii)^2`
        and `sum_{i != j} C_ij^2`.
    """
    _check(z1, z2, 0.0, epsilon)
    z1 = ops.cast(z1, "float32")
    z2 = ops.cast(z2, "float32")
    if gather_distributed:
        z1, _ = all_gather_batch(z1)
        z2, _ = all_gather_batch(z2)
    n = ops.cast(ops.shape(z1)[0], "float32")
    # C[i, j] = sum_b z1n[b, i] z2n[b, j] / N  ("bi,bj->ij").
    c = ops.matmul(
        ops.transpose(_standardize(z1, epsilon)), _standardize(z2, epsilon)
    ) / n
    diagonal = ops.diagonal(c)
    invariance = ops.sum(ops.square(1.0 - diagonal))
    redundancy = ops.sum(ops.square(c)) - ops.sum(ops.square(diagonal))
    return invariance, redundancy


@keras_ssl_serializable
def barlow_twins_loss(
    z1, z2, lambda_offdiagonal=5.1e-3, epsilon=1e-5, gather_distributed=True
):
    """Barlow Twins loss (Zbontar et al. 2021, Eq. 1 and Algorithm 1).

    Each embedding dimension is standardized over the batch,
    `zn = (z - mean(z)) / std(z)`; the cross-correlation matrix of the two
    views is `C = z1n^T z2n / N` (`D x D`), and the loss
    `sum_i (1 - C_ii)^2 + lambda * sum_{i != j} C_ij^2` pulls `C` towards
    the identity: each dimension invariant to the views, different
    dimensions decorrelated. The std is the biased one (the authors' code
    standardizes with `BatchNorm1d(affine=False)`), so `C_ii` of identical
    views is exactly 1; `epsilon` is added to the variance, as that layer
    does, and keeps a batch of one finite.

    Reference: https://arxiv.org/abs/2103.03230

    Args:
        z1: float tensor `(N, D)`. Embeddings of the first views.
        z2: float tensor `(N, D)`. Embeddings of the second views; row i of
            `z1` and `z2` come from the same input.
        lambda_offdiagonal: float >= 0. Weight `lambda` of the redundancy
            term (paper: 5.1e-3).
        epsilon: float > 0. Added to each column's variance.
        gather_distributed: bool. Under TensorFlow replicas, compute `C` over
            the global batch (N = n * replicas), as the paper's all-reduce
            does; elsewhere (one device, JAX's `DataParallel`) the step
            already sees the global batch.

    Returns:
        float32 scalar.

    Example:
    ```python
    z1, z2 = np.random.rand(16, 32), np.random.rand(16, 32)
    loss = keras_ssl.losses.barlow_twins_loss(z1, z2)
    ```
    """
    _check(z1, z2, lambda_offdiagonal, epsilon)
    invariance, redundancy = barlow_twins_loss_terms(
        z1, z2, epsilon=epsilon, gather_distributed=gather_distributed
    )
    return invariance + lambda_offdiagonal * redundancy
