"""RotNet: learn features by predicting which rotation was applied."""

import keras
from keras import ops

from keras_ssl.augment.rotations import rotation_batch
from keras_ssl.heads.rotation_head import RotationHead
from keras_ssl.inputs import ImageInputs
from keras_ssl.methods.registry import register_method
from keras_ssl.methods.ssl_model import SSLModel

__all__ = ["RotationPrediction"]


@register_method("rotation")
class RotationPrediction(SSLModel):
    """Rotation prediction (Gidaris et al. 2018, "RotNet").

    Inside each training step every image is rotated by 0, 90, 180 and 270
    degrees (all four copies, as in the paper), the encoder embeds the 4N
    images and a 4-way head classifies the rotation with cross-entropy.
    `rotation_accuracy` is logged next to the loss.

    Reference: https://arxiv.org/abs/1803.07728

    Args:
        encoder: `keras.Model` mapping square images `(N, H, H, C)` to vectors.
        head_hidden_units: tuple of int. Hidden Dense-BN-ReLU widths of the
            rotation head; empty for a linear head.
        seed: int or None. Seed of the model's random ops.

    Example:
    ```python
    x_train, _ = keras_ssl.datasets.mnist5k("train")
    model = keras_ssl.RotationPrediction(
        encoder=keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    )
    model.compile()
    history = model.fit(x_train, epochs=5)
    history.history["rotation_accuracy"]
    ```
    """

    inputs_class = ImageInputs

    def __init__(self, encoder, head_hidden_units=(), seed=None, **kwargs):
        super().__init__(encoder=encoder, seed=seed, **kwargs)
        height, width, _ = self.input_format.image_shape
        if height is not None and height != width:
            raise ValueError(
                f"RotationPrediction needs square images; the encoder takes "
                f"{height}x{width}. Build it with input_shape=(S, S, C)."
            )
        self.head_hidden_units = tuple(head_hidden_units)
        self.head = RotationHead(hidden_units=self.head_hidden_units, name="rotation_head")
        self.head.build((None, self.feature_dim))
        self.rotation_accuracy = keras.metrics.SparseCategoricalAccuracy(
            name="rotation_accuracy"
        )

    def compute_ssl_loss(self, images, training):
        rotated, labels = rotation_batch(images)
        features = self.encoder(rotated, training=training)
        logits = ops.cast(self.head(features, training=training), "float32")
        self.rotation_accuracy.update_state(labels, logits)
        return ops.mean(
            ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)
        )

    def get_config(self):
        config = super().get_config()
        config["head_hidden_units"] = self.head_hidden_units
        return config
