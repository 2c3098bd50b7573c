"""SimCSE's contrastive objective: InfoNCE of two dropout views, N-way."""

from keras import ops

from keras_ssl.backend.cross_replica import all_gather_batch
from keras_ssl.losses.temperature_loss import TemperatureLoss
from keras_ssl.serialization import keras_ssl_serializable

__all__ = ["SimCSELoss", "simcse_logits", "simcse_loss"]


def simcse_logits(z1, z2, temperature=0.05, gather_distributed=True):
    """Cosine similarities / temperature of each `z1` row with every `z2` row.

    Unlike NT-Xent (SimCLR), the candidates of an anchor `h_i` are the N
    second views `h_j^+` only (Gao et al. 2021, Eq. 1): N - 1 negatives,
    not 2N - 2.

    Args:
        z1: float tensor `(n, D)`. First encodings.
        z2: float tensor `(n, D)`. Second encodings of the same texts.
        temperature: float > 0 (0.05 in the paper).
        gather_distributed: bool. Under TensorFlow replicas, the second
            views of the global batch are the candidates.

    Returns:
        `(logits, labels)`: float32 `(n, N)` and int32 `(n,)`, the column of
        each anchor's positive.
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0; got {temperature}.")
    if len(z1.shape) != 2 or tuple(z1.shape) != tuple(z2.shape):
        raise ValueError(
            f"SimCSE's loss takes two batches of encodings of the same shape "
            f"(N, D), row i of both encoding text i; got {tuple(z1.shape)} "
            f"and {tuple(z2.shape)}."
        )
    z1 = ops.normalize(ops.cast(z1, "float32"), axis=-1)
    z2 = ops.normalize(ops.cast(z2, "float32"), axis=-1)
    candidates, offset = z2, 0
    if gather_distributed:
        candidates, offset = all_gather_batch(z2)
    logits = ops.matmul(z1, ops.transpose(candidates)) / temperature
    labels = ops.arange(ops.shape(z1)[0], dtype="int32") + ops.cast(offset, "int32")
    return logits, labels


@keras_ssl_serializable
def simcse_loss(z1, z2, temperature=0.05, gather_distributed=True):
    """Unsupervised SimCSE's loss (Gao, Yao & Chen 2021), one value per text.

    With `h_i`, `h_i^+` the two encodings of text i (the same text through
    the encoder with two dropout masks) and `sim` the cosine similarity,
    Eq. 1 of the paper is
    `l_i = -log(exp(sim(h_i, h_i^+) / tau) / sum_j exp(sim(h_i, h_j^+) / tau))`
    over the N texts of the batch. Returns the N values `l_i`; their mean is
    the training loss.

    Reference: https://arxiv.org/abs/2104.08821

    Args:
        z1: float tensor `(N, D)`. First encodings.
        z2: float tensor `(N, D)`. Second encodings, row i from text i.
        temperature: float > 0. tau (0.05 in the paper).
        gather_distributed: bool. Second views of all TF replicas as
            candidates.

    Returns:
        float32 tensor `(N,)`.

    Example:
    ```python
    h1, h2 = np.random.rand(8, 64), np.random.rand(8, 64)
    loss = keras.ops.mean(keras_ssl.losses.simcse_loss(h1, h2))
    ```
    """
    logits, labels = simcse_logits(z1, z2, temperature, gather_distributed)
    return ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)


@keras_ssl_serializable
class SimCSELoss(TemperatureLoss):
    """SimCSE's loss as a `keras.losses.Loss`: `loss(h1, h2)`.

    `y_true` holds the first encodings, `y_pred` the second (the loss is
    not symmetric: the anchors are the rows of `y_true`); see
    `keras_ssl.losses.simcse_loss`.

    Reference: https://arxiv.org/abs/2104.08821

    Args:
        temperature: float > 0. tau (0.05 in the paper).
        gather_distributed: bool. Candidates from all TF replicas.
        name: string. Name of the loss.
        reduction: Keras reduction of the per-text values.

    Example:
    ```python
    loss_fn = keras_ssl.losses.SimCSELoss(temperature=0.05)
    loss = loss_fn(encodings_1, encodings_2)
    ```
    """

    loss_function = staticmethod(simcse_loss)

    def __init__(
        self,
        temperature=0.05,
        gather_distributed=True,
        name="simcse_loss",
        reduction="sum_over_batch_size",
        **kwargs,
    ):
        super().__init__(temperature, gather_distributed, name, reduction, **kwargs)
