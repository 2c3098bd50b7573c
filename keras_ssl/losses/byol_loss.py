"""BYOL's normalized mean squared error between prediction and target."""

import keras
from keras import ops

from keras_ssl.serialization import keras_ssl_serializable

__all__ = ["BYOLLoss", "byol_loss"]


@keras_ssl_serializable
def byol_loss(targets, predictions):
    """`2 - 2 * cos(prediction, target)` per sample (Grill et al. 2020).

    BYOL (Sec. 3.1) L2-normalises the online prediction and the target
    projection and takes their squared distance,
    `||q / ||q|| - z / ||z|| ||^2 = 2 - 2 <q, z> / (||q|| ||z||)`. Stop the
    gradient of the target before calling; the full BYOL loss is symmetric,
    `byol_loss(z2', p1) + byol_loss(z1', p2)`.

    Reference: https://arxiv.org/abs/2006.07733

    Args:
        targets: float tensor `(N, D)`. Target network projections.
        predictions: float tensor `(N, D)`. Online network predictions.

    Returns:
        float32 tensor `(N,)` with values in [0, 4].

    Example:
    >>> float(byol_loss(np.array([[1.0, 0.0]]), np.array([[0.0, 2.0]]))[0])
    2.0
    """
    if len(targets.shape) != 2 or tuple(targets.shape) != tuple(predictions.shape):
        raise ValueError(
            f"byol_loss takes targets and predictions of the same shape "
            f"(N, D); got {tuple(targets.shape)} and "
            f"{tuple(predictions.shape)}."
        )
    targets = ops.normalize(ops.cast(targets, "float32"), axis=-1)
    predictions = ops.normalize(ops.cast(predictions, "float32"), axis=-1)
    return 2.0 - 2.0 * ops.sum(targets * predictions, axis=-1)


@keras_ssl_serializable
class BYOLLoss(keras.losses.Loss):
    """BYOL's loss as a `keras.losses.Loss`: `loss(targets, predictions)`.

    See `keras_ssl.losses.byol_loss`.

    Reference: https://arxiv.org/abs/2006.07733

    Args:
        name: string. Name of the loss.
        reduction: Keras reduction of the per-sample values.

    Example:
    ```python
    loss = keras_ssl.losses.BYOLLoss()(target_projections, predictions)
    ```
    """

    def __init__(self, name="byol_loss", reduction="sum_over_batch_size", **kwargs):
        super().__init__(name=name, reduction=reduction, **kwargs)

    def call(self, y_true, y_pred):
        return byol_loss(y_true, y_pred)
