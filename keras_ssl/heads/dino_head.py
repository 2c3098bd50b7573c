"""DINO's projection head: an MLP, a bottleneck, a weight-normalised layer."""

import keras
from keras import layers
from keras import ops

from keras_ssl.backend.cross_replica import synchronize_batch_norm
from keras_ssl.layers import BatchNormalization
from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class DINOHead(keras.layers.Layer):
    """DINO head: 3-layer MLP to a bottleneck, L2 norm, weight-normed output.

    Caron et al. 2021, Sec. 3.1 and Appendix: "The projection head consists
    of a 3-layer multi-layer perceptron (MLP) with hidden dimension 2048
    followed by l2 normalization and a weight normalized fully connected
    layer with K dimensions". The MLP's layers are Dense-GELU, Dense-GELU,
    Dense (to the bottleneck, 256 in the code), with no BatchNorm by default
    (`batch_norm=True` adds it, as DINO's code does for ResNets). The last
    layer is `x -> x V / ||V||` column by column (Salimans & Kingma 2016)
    with no bias; its norm g is fixed at 1 (`norm_last_layer=True`, the
    code's default) or learned.

    Reference: https://arxiv.org/abs/2104.14294,
    https://arxiv.org/abs/1602.07868 (weight normalization)

    Args:
        hidden_units: tuple of int. Widths of the MLP's hidden layers
            (paper: (2048, 2048)).
        bottleneck_units: int. Width of the MLP's output (paper: 256).
        output_units: int. K, the output dimension (paper: 65536).
        batch_norm: bool. BatchNorm after each hidden Dense layer.
        norm_last_layer: bool. Fix the last layer's norm g at 1.
        **kwargs: `keras.layers.Layer` arguments (`name`, `dtype`).

    Example:
    ```python
    head = keras_ssl.heads.DINOHead((64, 64), bottleneck_units=32, output_units=256)
    logits = head(np.zeros((4, 128)))  # (4, 256)
    ```
    """

    def __init__(
        self,
        hidden_units=(2048, 2048),
        bottleneck_units=256,
        output_units=65536,
        batch_norm=False,
        norm_last_layer=True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        # === Config ===
        self.hidden_units = tuple(int(units) for units in hidden_units)
        self.bottleneck_units = int(bottleneck_units)
        self.output_units = int(output_units)
        self.batch_norm = bool(batch_norm)
        self.norm_last_layer = bool(norm_last_layer)
        for name, value in (
            ("bottleneck_units", self.bottleneck_units),
            ("output_units", self.output_units),
        ):
            if value < 1:
                raise ValueError(f"{name} must be a positive int; got {value}.")

        # === Layers ===
        self.mlp = []
        for index, units in enumerate(self.hidden_units):
            self.mlp.append(layers.Dense(units, name=f"dense{index}"))
            if self.batch_norm:
                self.mlp.append(BatchNormalization(momentum=0.9, name=f"bn{index}"))
            self.mlp.append(layers.Activation("gelu", name=f"gelu{index}"))
        self.mlp.append(
            layers.Dense(self.bottleneck_units, name=f"dense{len(self.hidden_units)}")
        )
        if self.batch_norm:
            synchronize_batch_norm(self.mlp)

    def build(self, input_shape):
        shape = tuple(input_shape)
        for layer in self.mlp:
            layer.build(shape)
            shape = layer.compute_output_shape(shape)
        self.last_kernel = self.add_weight(
            shape=(self.bottleneck_units, self.output_units),
            initializer=keras.initializers.TruncatedNormal(stddev=0.02),
            name="last_kernel",
        )
        self.last_norm = None
        if not self.norm_last_layer:
            self.last_norm = self.add_weight(
                shape=(self.output_units,), initializer="ones", name="last_norm"
            )
        self.built = True

    def call(self, inputs, training=None):
        x = inputs
        for layer in self.mlp:
            if isinstance(layer, layers.BatchNormalization):
                x = layer(x, training=training)
            else:
                x = layer(x)
        x = ops.normalize(x, axis=-1)
        kernel = ops.cast(ops.normalize(self.last_kernel, axis=0), x.dtype)
        if self.last_norm is not None:
            kernel = kernel * ops.cast(self.last_norm, x.dtype)
        return ops.matmul(x, kernel)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)[:-1] + (self.output_units,)

    def get_config(self):
        config = super().get_config()
        config.update(
            hidden_units=self.hidden_units,
            bottleneck_units=self.bottleneck_units,
            output_units=self.output_units,
            batch_norm=self.batch_norm,
            norm_last_layer=self.norm_last_layer,
        )
        return config
