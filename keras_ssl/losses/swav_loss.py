"""SwAV's Sinkhorn-Knopp codes and its swapped-prediction loss."""

from keras import ops

from keras_ssl.backend.cross_replica import all_gather_batch
from keras_ssl.serialization import keras_ssl_serializable

__all__ = ["sinkhorn_knopp", "swav_loss"]


def _check_scores(name, scores):
    if len(scores.shape) != 2:
        raise ValueError(
            f"{name} must be prototype scores of shape (N, K); got shape "
            f"{tuple(scores.shape)}."
        )


@keras_ssl_serializable
def sinkhorn_knopp(
    scores, epsilon=0.05, iterations=3, queue_scores=None, gather_distributed=True
):
    """SwAV's codes: an equipartitioned soft assignment of examples to prototypes.

    Caron et al. 2020, Algorithm 1 and Sec. 3.1: `Q = exp(scores / eps)`,
    then `iterations` Sinkhorn-Knopp steps that alternately scale each
    prototype's total mass to 1/K and each example's to 1/B, so that the
    batch is split evenly among the K prototypes; each example's code is its
    column of Q, normalised to sum to 1. Computed in the log domain (the
    same values, without `exp` overflowing for a small epsilon). The
    gradient is stopped: codes are targets.

    The sums run over the global batch: with `gather_distributed` the rows
    of every TensorFlow replica are gathered first (the paper's code
    all-reduces the same sums), and each replica gets its own rows back.
    Queue rows (earlier batches' scores against the current prototypes)
    take part in the sums, but only the batch's codes are returned
    (Sec. 4.3, "Training with small batches").

    Reference: https://arxiv.org/abs/2006.09882

    Args:
        scores: `(n, K)` scores of this replica's examples against the K
            (unit-norm) prototypes: cosine similarities.
        epsilon: float > 0. Entropy regularisation (paper: 0.05). Larger
            values give smoother codes.
        iterations: int >= 1. Sinkhorn-Knopp iterations (paper: 3).
        queue_scores: None or `(m, K)` scores of queued features.
        gather_distributed: bool. Gather the batch over TF replicas.

    Returns:
        float32 `(n, K)` codes, each row summing to 1.

    Example:
    ```python
    codes = keras_ssl.losses.sinkhorn_knopp(np.random.randn(8, 16) * 0.3)
    keras.ops.sum(codes, axis=1)  # ones; over axis 0: about 8 / 16 each
    ```
    """
    if not epsilon > 0:
        raise ValueError(f"epsilon must be > 0; got {epsilon}.")
    if int(iterations) != iterations or iterations < 1:
        raise ValueError(f"iterations must be an int >= 1; got {iterations}.")
    _check_scores("scores", scores)
    scores = ops.stop_gradient(ops.cast(scores, "float32"))
    n = ops.shape(scores)[0]
    everything, offset = scores, 0
    if gather_distributed:
        everything, offset = all_gather_batch(scores)
    queued = 0
    if queue_scores is not None:
        _check_scores("queue_scores", queue_scores)
        queue_scores = ops.stop_gradient(ops.cast(queue_scores, "float32"))
        queued = ops.shape(queue_scores)[0]
        everything = ops.concatenate([queue_scores, everything], axis=0)
    # log Q with examples on rows (the paper's Q transposed); Q /= sum(Q).
    log_q = everything / epsilon
    log_q = log_q - ops.logsumexp(log_q)
    examples = ops.cast(ops.shape(log_q)[0], "float32")
    prototypes = ops.cast(ops.shape(log_q)[1], "float32")
    for _ in range(int(iterations)):
        # Each prototype's mass to 1/K, then each example's to 1/B.
        log_q = log_q - ops.logsumexp(log_q, axis=0, keepdims=True)
        log_q = log_q - ops.log(prototypes)
        log_q = log_q - ops.logsumexp(log_q, axis=1, keepdims=True)
        log_q = log_q - ops.log(examples)
    codes = ops.softmax(log_q, axis=1)  # Q / sum(Q, dim=0), per example
    start = offset + queued  # this replica's rows, after the queue's
    return codes[start : start + n]


@keras_ssl_serializable
def swav_loss(scores, codes, temperature=0.1):
    """SwAV's swapped prediction: each crop predicts the other views' codes.

    Caron et al. 2020, Eq. (1)-(2) and Algorithm 1: with `p_v =
    softmax(scores_v / tau)`, the loss of code `q_i` (of global crop i) is
    the cross-entropy `-sum_k q_i log p_v` averaged over every other crop v
    (the local crops included); the losses of the coded crops are averaged.
    Two crops give Algorithm 1's `-0.5 * (q_t log p_s + q_s log p_t)`.

    Reference: https://arxiv.org/abs/2006.09882

    Args:
        scores: list of `(n, K)` prototype scores, one per crop, the coded
            (global) crops first.
        codes: list of `(n, K)` codes (`sinkhorn_knopp`) of the first
            `len(codes)` crops.
        temperature: float > 0. tau of the softmax (paper: 0.1).

    Returns:
        float32 `(n,)`, the loss of each image.

    Example:
    ```python
    scores = [np.random.randn(8, 16) * 0.3 for _ in range(4)]
    codes = [keras_ssl.losses.sinkhorn_knopp(s) for s in scores[:2]]
    loss = keras_ssl.losses.swav_loss(scores, codes)  # (8,)
    ```
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0; got {temperature}.")
    if len(codes) < 1 or len(scores) <= len(codes) - 1 or len(scores) < 2:
        raise ValueError(
            f"swav_loss takes the scores of 2 or more crops and the codes of "
            f"the first of them (the global crops); got {len(scores)} scores "
            f"and {len(codes)} codes."
        )
    for name, value in [("scores", s) for s in scores] + [("codes", c) for c in codes]:
        _check_scores(name, value)
    log_p = [
        ops.log_softmax(ops.cast(s, "float32") / temperature, axis=1)
        for s in scores
    ]
    total = 0.0
    for i, q in enumerate(codes):
        q = ops.stop_gradient(ops.cast(q, "float32"))
        others = [-ops.sum(q * p, axis=1) for v, p in enumerate(log_p) if v != i]
        total = total + ops.sum(ops.stack(others, axis=0), axis=0) / len(others)
    return total / len(codes)
