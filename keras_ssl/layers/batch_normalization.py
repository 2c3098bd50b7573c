"""Keras's BatchNormalization, with a fused training kernel on TF and torch."""

import keras

from keras_ssl.backend.fused_batch_norm import fused_batch_norm_training
from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class BatchNormalization(keras.layers.BatchNormalization):
    """`keras.layers.BatchNormalization` that trains faster on TF and torch.

    Same arguments, weights, outputs and moving statistics as Keras's layer
    (it is a subclass, so weights and presets load either way). In training
    on the TensorFlow and PyTorch backends, for float32 channels-last inputs
    of rank 2 or 4, the batch statistics and the normalization run in the
    framework's fused kernel instead of Keras's separate ops; on a CPU this
    makes keras_ssl's SimCLR and BYOL steps on the small ConvNet about 1.4x
    faster on both (see BENCHMARKS.md). Everywhere else (JAX, whose
    XLA fuses Keras's ops itself, inference, mixed precision, masks,
    `synchronized=True`, `renorm=True`, other axes or ranks) it is Keras's
    layer unchanged.

    Args:
        **kwargs: `keras.layers.BatchNormalization` arguments (`axis`,
            `momentum`, `epsilon`, `center`, `scale`, initializers, ...).

    Example:
    ```python
    norm = keras_ssl.layers.BatchNormalization(momentum=0.9)
    outputs = norm(np.random.rand(8, 14, 14, 32), training=True)
    ```
    """

    def _fused(self, inputs, training, mask):
        """Whether this call can use the fused kernel."""
        rank = len(inputs.shape)
        return (
            training
            and self.trainable
            and mask is None
            and rank in (2, 4)
            and self.axis in (-1, rank - 1)
            and not self.synchronized
            and not getattr(self, "renorm", False)
        )

    def call(self, inputs, training=None, mask=None):
        if self._fused(inputs, training, mask):
            channels = inputs.shape[-1]
            scale = self.gamma if self.scale else keras.ops.ones((channels,))
            offset = self.beta if self.center else keras.ops.zeros((channels,))
            fused = fused_batch_norm_training(
                inputs,
                keras.ops.cast(scale, "float32"),
                keras.ops.cast(offset, "float32"),
                self.epsilon,
            )
            if fused is not None:
                outputs, mean, variance = fused
                momentum = self.momentum
                self.moving_mean.assign(
                    self.moving_mean * momentum + mean * (1.0 - momentum)
                )
                self.moving_variance.assign(
                    self.moving_variance * momentum + variance * (1.0 - momentum)
                )
                return keras.ops.cast(outputs, self.compute_dtype)
        return super().call(inputs, training=training, mask=mask)
