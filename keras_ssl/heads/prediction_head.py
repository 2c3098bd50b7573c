"""BYOL's predictor: the online network's extra MLP."""

from keras_ssl.heads.projection_head import ProjectionHead
from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class PredictionHead(ProjectionHead):
    """Predictor MLP of BYOL, with the same blocks as the projection head.

    Grill et al. 2020: "The predictor q_theta uses the same architecture as
    g_theta" (a linear layer of 4096 units, batch normalization, ReLU, and a
    linear layer of 256 units); only the online network has one, and its
    output is regressed onto the target network's projection.

    Reference: https://arxiv.org/abs/2006.07733

    Args:
        hidden_units: tuple of int. Widths of the hidden Dense-BN-ReLU blocks.
        output_units: int. Output width; equal to the projection's width.
        output_batch_norm: bool. BatchNorm after the output Dense layer.
        global_batch_norm: bool. Synchronize BatchNorm across replicas.
        **kwargs: `keras.layers.Layer` arguments (`name`, `dtype`).

    Example:
    ```python
    predictor = keras_ssl.heads.PredictionHead(hidden_units=(1024,), output_units=256)
    q = predictor(np.zeros((4, 256)))  # (4, 256)
    ```
    """

    def __init__(
        self,
        hidden_units=(1024,),
        output_units=256,
        output_batch_norm=False,
        global_batch_norm=True,
        **kwargs,
    ):
        super().__init__(
            hidden_units=hidden_units,
            output_units=output_units,
            output_batch_norm=output_batch_norm,
            global_batch_norm=global_batch_norm,
            **kwargs,
        )
