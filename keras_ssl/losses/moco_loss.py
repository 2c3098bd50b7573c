"""MoCo's InfoNCE loss of queries against momentum keys (and a queue)."""

from keras import ops

from keras_ssl.backend.cross_replica import all_gather_batch
from keras_ssl.serialization import keras_ssl_serializable

__all__ = ["moco_logits", "moco_loss"]


def _check(q, k, temperature, queue):
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0; got {temperature}.")
    if len(q.shape) != 2 or tuple(q.shape) != tuple(k.shape):
        raise ValueError(
            f"moco_loss takes queries and keys of the same shape (N, D), row "
            f"i of both being views of image i; got {tuple(q.shape)} and "
            f"{tuple(k.shape)}."
        )
    if queue is not None and (len(queue.shape) != 2 or queue.shape[1] != q.shape[1]):
        raise ValueError(
            f"The queue holds keys as rows (K, D) with D = {q.shape[1]}; got "
            f"shape {tuple(queue.shape)}."
        )


def moco_logits(q, k, temperature=0.2, queue=None, gather_distributed=True):
    """Logits and positive indices of MoCo's (K + N)-way classification.

    Queries, keys and queued keys are L2-normalised. Query i is scored
    against every key of the (global) batch, its own view's key `k_i`
    being the positive, and then against the queue's keys (negatives).

    Args:
        q: float tensor `(n, D)`. Queries (online network's predictions).
        k: float tensor `(n, D)`. Keys of the other view (momentum
            network); stop their gradient before calling.
        temperature: float > 0. The softmax temperature tau.
        queue: None or float tensor `(K, D)`. Keys of earlier batches.
        gather_distributed: bool. Under TensorFlow replicas, score against
            the keys of the global batch (N = n * replicas); elsewhere N = n.

    Returns:
        `(logits, labels)`: float32 `(n, N + K)`, columns ordered `[keys of
        the global batch; queue]`, and int32 `(n,)`, each query's positive.
    """
    _check(q, k, temperature, queue)
    q = ops.normalize(ops.cast(q, "float32"), axis=-1)
    k = ops.normalize(ops.cast(k, "float32"), axis=-1)
    all_k, offset = all_gather_batch(k) if gather_distributed else (k, 0)
    candidates = all_k
    if queue is not None:
        queue = ops.normalize(ops.cast(queue, "float32"), axis=-1)
        candidates = ops.concatenate([all_k, queue], axis=0)
    # logits[i, c] = <q_i, candidate c> / tau  ("nd,cd->nc").
    logits = ops.matmul(q, ops.transpose(candidates)) / temperature
    labels = ops.arange(ops.shape(q)[0], dtype="int32") + ops.cast(offset, "int32")
    return logits, labels


@keras_ssl_serializable
def moco_loss(q, k, temperature=0.2, queue=None, gather_distributed=True):
    """One direction of MoCo v3's contrastive loss, per query.

    MoCo v3 (Chen, Xie & He 2021), Algorithm 1:
    `ctr(q, k)`: `logits = q k^T` over the N keys of the batch, `labels =
    range(N)`, `loss = CrossEntropy(logits / tau, labels) * 2 tau`; the
    method's loss is `ctr(q1, k2) + ctr(q2, k1)` (two calls of this
    function). The `2 tau` factor is included. With `queue` the K queued
    keys of earlier batches (MoCo v1/v2, He et al. 2020, Chen et al. 2020)
    are added as further negatives; nothing else changes. Rows are
    L2-normalised first (as in both papers' code).

    References: https://arxiv.org/abs/2104.02057,
    https://arxiv.org/abs/1911.05722, https://arxiv.org/abs/2003.04297

    Args:
        q: float tensor `(N, D)`. Queries of one view.
        k: float tensor `(N, D)`. Keys of the other view (no gradient).
        temperature: float > 0. tau (MoCo v3: 0.2; v1/v2: 0.07 / 0.2).
        queue: None or float tensor `(K, D)`. Queued keys (negatives).
        gather_distributed: bool. Under TensorFlow's `MirroredStrategy`,
            use the keys of all replicas (MoCo v3's `concat_all_gather`).

    Returns:
        float32 tensor `(N,)`: `2 tau` times each query's cross-entropy;
        its mean is `ctr(q, k)`.

    Example:
    ```python
    q, k = np.random.rand(8, 64), np.random.rand(8, 64)
    loss = keras.ops.mean(keras_ssl.losses.moco_loss(q, k, temperature=0.2))
    ```
    """
    logits, labels = moco_logits(q, k, temperature, queue, gather_distributed)
    per_query = ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    return 2.0 * temperature * per_query
