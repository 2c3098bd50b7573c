"""NT-Xent, SimCLR's normalized temperature-scaled cross-entropy loss."""

from keras import ops

from keras_ssl.backend.cross_replica import all_gather_batch
from keras_ssl.losses.temperature_loss import TemperatureLoss
from keras_ssl.serialization import keras_ssl_serializable

__all__ = ["NTXent", "nt_xent", "nt_xent_logits"]

# A logit far below any cosine / temperature: removes an anchor's similarity
# with itself from the softmax (exp underflows to exactly 0 in float32).
_MASKED_LOGIT = -1e9


def _check_projections(z1, z2, temperature):
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0; got {temperature}.")
    if len(z1.shape) != 2 or tuple(z1.shape) != tuple(z2.shape):
        raise ValueError(
            f"NT-Xent takes two batches of projections of the same shape "
            f"(N, D), row i of both being views of image i; got "
            f"{tuple(z1.shape)} and {tuple(z2.shape)}."
        )


def nt_xent_logits(z1, z2, temperature=0.5, gather_distributed=True):
    """Logits and positive indices of NT-Xent's 2N-way classification.

    Both batches are L2-normalised; every anchor (the n rows of `z1`, then
    the n rows of `z2`) is scored against all 2N views by cosine /
    temperature, with its own score masked out, so each anchor has one
    positive (the other view of its image) and 2N - 2 negatives.

    Args:
        z1: float tensor `(n, D)`. Projections of the first views.
        z2: float tensor `(n, D)`. Projections of the second views.
        temperature: float > 0. The softmax temperature tau.
        gather_distributed: bool. Under TensorFlow replicas, score against
            the views of the global batch (N = n * replicas), as SimCLR
            does; elsewhere N = n.

    Returns:
        `(logits, labels)`: float32 `(2n, 2N)`, columns ordered `[all z1;
        all z2]`, and int32 `(2n,)`, the column of each anchor's positive.
    """
    _check_projections(z1, z2, temperature)
    z1 = ops.normalize(ops.cast(z1, "float32"), axis=-1)
    z2 = ops.normalize(ops.cast(z2, "float32"), axis=-1)
    all_z1, all_z2, offset = z1, z2, 0
    if gather_distributed:
        all_z1, offset = all_gather_batch(z1)
        all_z2, _ = all_gather_batch(z2)
    n = ops.shape(z1)[0]
    total = ops.shape(all_z1)[0]
    anchors = ops.concatenate([z1, z2], axis=0)
    candidates = ops.concatenate([all_z1, all_z2], axis=0)
    # logits[a, c] = <anchor a, candidate c> / tau  ("ad,cd->ac").
    logits = ops.matmul(anchors, ops.transpose(candidates)) / temperature
    rows = ops.arange(n, dtype="int32") + ops.cast(offset, "int32")
    own = ops.concatenate([rows, rows + total], axis=0)
    labels = ops.concatenate([rows + total, rows], axis=0)
    columns = ops.arange(2 * total, dtype="int32")
    self_mask = ops.expand_dims(own, 1) == ops.expand_dims(columns, 0)
    logits = ops.where(self_mask, _MASKED_LOGIT, logits)
    return logits, labels


@keras_ssl_serializable
def nt_xent(z1, z2, temperature=0.5, gather_distributed=True):
    """NT-Xent loss of SimCLR (Chen et al. 2020), one value per image pair.

    With s(i, j) the cosine similarity of views i and j among the 2N views,
    Algorithm 1 of the paper defines
    `l(i, j) = -log(exp(s(i, j) / tau) / sum_{k != i} exp(s(i, k) / tau))`
    and the loss `L = 1/(2N) sum_k [l(2k-1, 2k) + l(2k, 2k-1)]`. This
    function returns the N terms `(l(2k-1, 2k) + l(2k, 2k-1)) / 2`, so their
    mean is `L` (Keras loss functions return per-sample values).

    Reference: https://arxiv.org/abs/2002.05709

    Args:
        z1: float tensor `(N, D)`. Projections of the first views.
        z2: float tensor `(N, D)`. Projections of the second views; row i
            of `z1` and `z2` come from the same image.
        temperature: float > 0. The softmax temperature tau (0.5 in the
            paper's CIFAR-10 runs, 0.1 for ImageNet with large batches).
        gather_distributed: bool. Under TensorFlow's `MirroredStrategy`, use
            the views of all replicas as negatives (the global batch).

    Returns:
        float32 tensor `(N,)`.

    Example:
    ```python
    z1, z2 = np.random.rand(8, 128), np.random.rand(8, 128)
    loss = keras.ops.mean(keras_ssl.losses.nt_xent(z1, z2, temperature=0.5))
    ```
    """
    logits, labels = nt_xent_logits(
        z1, z2, temperature=temperature, gather_distributed=gather_distributed
    )
    per_anchor = ops.sparse_categorical_crossentropy(
        labels, logits, from_logits=True
    )
    return ops.mean(ops.reshape(per_anchor, (2, -1)), axis=0)


@keras_ssl_serializable
class NTXent(TemperatureLoss):
    """NT-Xent as a `keras.losses.Loss`: `loss(z1, z2)` is SimCLR's loss.

    `y_true` and `y_pred` are the projections of the two views of the same
    images (the loss is symmetric in them); see `keras_ssl.losses.nt_xent`.

    Reference: https://arxiv.org/abs/2002.05709

    Args:
        temperature: float > 0. The softmax temperature tau.
        gather_distributed: bool. Negatives from all TF replicas.
        name: string. Name of the loss.
        reduction: Keras reduction of the per-pair values.

    Example:
    ```python
    loss_fn = keras_ssl.losses.NTXent(temperature=0.5)
    loss = loss_fn(projections_1, projections_2)
    ```
    """

    loss_function = staticmethod(nt_xent)

    def __init__(
        self,
        temperature=0.5,
        gather_distributed=True,
        name="nt_xent",
        reduction="sum_over_batch_size",
        **kwargs,
    ):
        super().__init__(temperature, gather_distributed, name, reduction, **kwargs)
