"""VICReg's variance-invariance-covariance regularization loss."""

from keras import ops

from keras_ssl.backend.cross_replica import all_gather_batch
from keras_ssl.serialization import keras_ssl_serializable

__all__ = ["vicreg_loss", "vicreg_loss_terms"]


def _check_shapes(z1, z2):
    if len(z1.shape) != 2 or tuple(z1.shape) != tuple(z2.shape):
        raise ValueError(
            f"vicreg_loss takes two batches of embeddings of the same shape "
            f"(N, D), row i of both being views of input i; got "
            f"{tuple(z1.shape)} and {tuple(z2.shape)}."
        )


def _check_non_negative(**values):
    for name, value in values.items():
        if not value >= 0:
            raise ValueError(f"{name} must be >= 0; got {value}.")


def _variance_and_covariance(z, epsilon):
    """Hinge on each column's std, and the mean squared off-diagonal
    covariance, of one branch `(N, D)`."""
    n = ops.cast(ops.shape(z)[0], "float32")
    d = ops.cast(ops.shape(z)[1], "float32")
    centered = z - ops.mean(z, axis=0, keepdims=True)
    # Unbiased, as torch's var; max(N - 1, 1) keeps a batch of one finite.
    covariance = ops.matmul(ops.transpose(centered), centered) / ops.maximum(
        n - 1.0, 1.0
    )
    std = ops.sqrt(ops.diagonal(covariance) + epsilon)
    variance_term = ops.mean(ops.relu(1.0 - std))
    off_diagonal = ops.sum(ops.square(covariance)) - ops.sum(
        ops.square(ops.diagonal(covariance))
    )
    return variance_term, off_diagonal / d


def vicreg_loss_terms(z1, z2, epsilon=1e-4, gather_distributed=True):
    """VICReg's three terms, before weighting.

    Args: as `vicreg_loss`.

    Returns:
        `(invariance, variance, covariance)`: float32 scalars, the mean
        squared error of the branches, and the variance and covariance
        terms summed over both branches.
    """
    _check_shapes(z1, z2)
    if not epsilon > 0:
        raise ValueError(f"epsilon must be > 0; got {epsilon}.")
    z1 = ops.cast(z1, "float32")
    z2 = ops.cast(z2, "float32")
    if gather_distributed:
        z1, _ = all_gather_batch(z1)
        z2, _ = all_gather_batch(z2)
    invariance = ops.mean(ops.square(z1 - z2))
    variance_1, covariance_1 = _variance_and_covariance(z1, epsilon)
    variance_2, covariance_2 = _variance_and_covariance(z2, epsilon)
    return invariance, variance_1 + variance_2, covariance_1 + covariance_2


@keras_ssl_serializable
def vicreg_loss(
    z1,
    z2,
    invariance_weight=25.0,
    variance_weight=25.0,
    covariance_weight=1.0,
    epsilon=1e-4,
    gather_distributed=True,
):
    """VICReg loss (Bardes et al. 2022, Eq. 1-6 and Algorithm 1).

    `lambda * s(z1, z2) + mu * [v(z1) + v(z2)] + nu * [c(z1) + c(z2)]`, with
    the invariance `s` the mean squared error of the two branches, the
    variance `v(z) = mean_j max(0, 1 - sqrt(Var(z_j) + epsilon))` (a hinge
    keeping each dimension's std over the batch at 1 or more), and the
    covariance `c(z) = sum_{i != j} Cov(z)_ij^2 / D` (decorrelating the
    dimensions). Variances and covariances are unbiased (over N - 1), as in
    the paper's pseudo-code. The authors' code halves the variance term
    (equivalent to `variance_weight=12.5` here); this follows the paper.

    Reference: https://arxiv.org/abs/2105.04906

    Args:
        z1: float tensor `(N, D)`. Embeddings of the first views.
        z2: float tensor `(N, D)`. Embeddings of the second views; row i of
            `z1` and `z2` come from the same input.
        invariance_weight: float >= 0. `lambda` (paper: 25).
        variance_weight: float >= 0. `mu` (paper: 25).
        covariance_weight: float >= 0. `nu` (paper: 1).
        epsilon: float > 0. Added to the variance under the square root
            (paper: 1e-4).
        gather_distributed: bool. Under TensorFlow replicas, take the
            statistics of the global batch; elsewhere (one device, JAX's
            `DataParallel`) the step already sees the global batch.

    Returns:
        float32 scalar.

    Example:
    ```python
    z1, z2 = np.random.rand(16, 32), np.random.rand(16, 32)
    loss = keras_ssl.losses.vicreg_loss(z1, z2)
    ```
    """
    _check_non_negative(
        invariance_weight=invariance_weight,
        variance_weight=variance_weight,
        covariance_weight=covariance_weight,
    )
    invariance, variance, covariance = vicreg_loss_terms(
        z1, z2, epsilon=epsilon, gather_distributed=gather_distributed
    )
    return (
        invariance_weight * invariance
        + variance_weight * variance
        + covariance_weight * covariance
    )
