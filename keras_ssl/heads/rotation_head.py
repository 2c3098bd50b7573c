"""RotNet's rotation classifier head."""

from keras_ssl.heads.mlp_head import MLPHead
from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class RotationHead(MLPHead):
    """Predicts which of 4 rotations (0, 90, 180, 270 degrees) was applied.

    Gidaris et al. 2018 train "a ConvNet model F(.) ... to recognize the
    rotation that is applied to the image that it gets as input"; here the
    classifier on top of the pooled features is a linear layer, optionally
    preceded by hidden Dense-BN-ReLU blocks. Outputs logits.

    Reference: https://arxiv.org/abs/1803.07728

    Args:
        hidden_units: tuple of int. Widths of hidden blocks (none: linear).
        num_classes: int. Number of rotations to tell apart.

    Example:
    ```python
    head = keras_ssl.heads.RotationHead(hidden_units=(256,))
    logits = head(np.zeros((8, 128)))  # (8, 4)
    ```
    """

    def __init__(self, hidden_units=(), num_classes=4, **kwargs):
        kwargs.pop("blocks", None)
        hidden = [(units, True, "relu") for units in hidden_units]
        super().__init__(blocks=hidden + [(num_classes, False, None)], **kwargs)
        self.hidden_units = tuple(hidden_units)
        self.num_classes = num_classes

    def get_config(self):
        config = super().get_config()
        del config["blocks"]
        config.update(hidden_units=self.hidden_units, num_classes=self.num_classes)
        return config
