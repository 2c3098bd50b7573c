"""NNCLR: a nearest neighbour from the support set as each view's positive."""

from keras import ops

from keras_ssl.backend.cross_replica import all_gather_batch
from keras_ssl.serialization import keras_ssl_serializable

__all__ = ["nearest_neighbours", "nnclr_loss"]


def nearest_neighbours(z, support_set, filled=None):
    """Each row's top-1 cosine nearest neighbour in the support set.

    NNCLR (Dwibedi et al. 2021), Eq. 2: `NN(z, Q) = argmin_{q in Q}
    ||z - q||`, on L2-normalised vectors (the largest cosine similarity).

    Args:
        z: float tensor `(n, D)`. Projections.
        support_set: float tensor `(K, D)`. The support set Q.
        filled: None (every row is an embedding) or int scalar (tensor): only
            the first `filled` rows are, the others are skipped; with none
            filled, each row of `z` is its own neighbour.

    Returns:
        float32 tensor `(n, D)`: rows of `support_set` (not normalised), with
        no gradient.

    Example:
    ```python
    support = np.array([[0.0, 1.0], [2.0, 0.0]])
    nearest_neighbours(np.array([[1.0, 0.1]]), support)  # [[2.0, 0.0]]
    ```
    """
    if len(z.shape) != 2 or len(support_set.shape) != 2 or (
        z.shape[1] != support_set.shape[1]
    ):
        raise ValueError(
            f"nearest_neighbours takes z (n, D) and a support set (K, D); got "
            f"{tuple(z.shape)} and {tuple(support_set.shape)}."
        )
    z = ops.cast(z, "float32")
    support_set = ops.cast(support_set, "float32")
    # similarity[i, j] = cos(z_i, q_j)  ("nd,kd->nk").
    similarity = ops.matmul(
        ops.normalize(z, axis=-1), ops.transpose(ops.normalize(support_set, axis=-1))
    )
    if filled is not None:
        rows = ops.arange(ops.shape(support_set)[0], dtype="int32")
        valid = ops.expand_dims(rows < ops.cast(filled, "int32"), 0)
        similarity = ops.where(valid, similarity, -2.0)  # below any cosine
    neighbours = ops.take(support_set, ops.argmax(similarity, axis=-1), axis=0)
    if filled is not None:
        neighbours = ops.where(ops.cast(filled, "int32") > 0, neighbours, z)
    return ops.stop_gradient(neighbours)


@keras_ssl_serializable
def nnclr_loss(neighbours, predictions, temperature=0.1, gather_distributed=True):
    """NNCLR's contrastive loss of nearest neighbours against predictions.

    Dwibedi et al. 2021, Eq. 3 with the prediction head (Sec. 3.2):
    `L_i = -log(exp(NN(z_i, Q) . p_i+ / tau) / sum_k exp(NN(z_i, Q) . p_k+
    / tau))`, vectors L2-normalised; the paper's pseudo-code `L(nn, p)`:
    `logits = normalize(nn) @ normalize(p).T / tau`, `labels = range(n)`,
    cross-entropy. The method's loss is `L(NN1, p2) / 2 + L(NN2, p1) / 2`
    (two calls of this function).

    Reference: https://arxiv.org/abs/2104.14548

    Args:
        neighbours: float tensor `(N, D)`. `NN(z, Q)` of one view's
            projections (see `nearest_neighbours`), no gradient.
        predictions: float tensor `(N, D)`. The prediction head's output on
            the other view; row i of both comes from image i.
        temperature: float > 0. tau (paper: 0.1).
        gather_distributed: bool. Under TensorFlow's `MirroredStrategy`,
            score against the predictions of all replicas (global batch).

    Returns:
        float32 tensor `(N,)`, the cross-entropy of each row.

    Example:
    ```python
    nn, p = np.random.rand(8, 64), np.random.rand(8, 64)
    loss = keras.ops.mean(keras_ssl.losses.nnclr_loss(nn, p, temperature=0.1))
    ```
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0; got {temperature}.")
    if len(neighbours.shape) != 2 or tuple(neighbours.shape) != tuple(
        predictions.shape
    ):
        raise ValueError(
            f"nnclr_loss takes neighbours and predictions of the same shape "
            f"(N, D); got {tuple(neighbours.shape)} and "
            f"{tuple(predictions.shape)}."
        )
    neighbours = ops.normalize(ops.cast(neighbours, "float32"), axis=-1)
    predictions = ops.normalize(ops.cast(predictions, "float32"), axis=-1)
    all_p, offset = (
        all_gather_batch(predictions) if gather_distributed else (predictions, 0)
    )
    # logits[i, k] = <NN(z_i), p_k+> / tau  ("nd,kd->nk").
    logits = ops.matmul(neighbours, ops.transpose(all_p)) / temperature
    labels = ops.arange(ops.shape(neighbours)[0], dtype="int32") + ops.cast(
        offset, "int32"
    )
    return ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)
