"""A generic MLP head: a list of Dense -> BatchNorm -> activation blocks."""

import keras
from keras import layers

from keras_ssl.layers import BatchNormalization
from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class MLPHead(keras.layers.Layer):
    """A stack of blocks, each `Dense(units)`, optional BatchNorm, activation.

    Paper heads (projection, prediction, rotation classifier) are subclasses
    that only choose the blocks.

    Args:
        blocks: list of `(units, batch_norm, activation)`. `units` is an int,
            `batch_norm` a bool, `activation` a Keras activation name or None.
            A Dense followed by BatchNorm has no bias (the BN shift replaces
            it).

    Example:
    ```python
    head = keras_ssl.heads.MLPHead([(512, True, "relu"), (128, False, None)])
    z = head(np.zeros((4, 128)))  # (4, 128)
    ```
    """

    def __init__(self, blocks, **kwargs):
        super().__init__(**kwargs)
        self.blocks = [
            (int(units), bool(batch_norm), activation)
            for units, batch_norm, activation in blocks
        ]
        if not self.blocks:
            raise ValueError("MLPHead needs at least one block.")
        self.block_layers = []
        for index, (units, batch_norm, activation) in enumerate(self.blocks):
            block = [layers.Dense(units, use_bias=not batch_norm, name=f"dense{index}")]
            if batch_norm:
                # Momentum 0.9: PyTorch's convention, as in the SSL papers' code.
                block.append(
                    BatchNormalization(momentum=0.9, name=f"bn{index}")
                )
            if activation is not None:
                block.append(layers.Activation(activation, name=f"act{index}"))
            self.block_layers.append(block)

    def build(self, input_shape):
        shape = tuple(input_shape)
        for block in self.block_layers:
            for layer in block:
                layer.build(shape)
                shape = layer.compute_output_shape(shape)

    def call(self, inputs, training=None):
        x = inputs
        for block in self.block_layers:
            for layer in block:
                if isinstance(layer, layers.BatchNormalization):
                    x = layer(x, training=training)
                else:
                    x = layer(x)
        return x

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)[:-1] + (self.blocks[-1][0],)

    def get_config(self):
        config = super().get_config()
        config["blocks"] = [list(block) for block in self.blocks]
        return config
