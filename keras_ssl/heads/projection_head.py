"""The projection MLP of SimCLR and BYOL."""

from keras_ssl.backend.cross_replica import synchronize_batch_norm
from keras_ssl.heads.mlp_head import MLPHead
from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class ProjectionHead(MLPHead):
    """Projection MLP: hidden Dense-BN-ReLU blocks, then a linear output.

    SimCLR (Chen et al. 2020): "We use a MLP with one hidden layer to obtain
    z_i = g(h_i) = W(2) sigma(W(1) h_i) where sigma is a ReLU
    non-linearity"; their code adds BatchNorm to every layer, the output
    one included (`output_batch_norm=True`).
    BYOL (Grill et al. 2020): "a multi-layer perceptron (MLP) ... consists in
    a linear layer with output size 4096 followed by batch normalization,
    rectified linear units (ReLU), and a final linear layer with output
    dimension 256" (`hidden_units=(4096,), output_units=256`).

    With `global_batch_norm` the BatchNorm statistics are those of the global
    batch under data parallelism (SimCLR's "global BN"): on TensorFlow the
    layers are synchronized across `MirroredStrategy` replicas; under JAX's
    `DataParallel` the step sees the global batch anyway.

    References: https://arxiv.org/abs/2002.05709,
    https://arxiv.org/abs/2006.07733

    Args:
        hidden_units: tuple of int. Widths of the hidden Dense-BN-ReLU blocks.
        output_units: int. Width of the output (the projection).
        output_batch_norm: bool. BatchNorm (no activation) after the output
            Dense layer.
        global_batch_norm: bool. Synchronize BatchNorm across replicas.
        **kwargs: `keras.layers.Layer` arguments (`name`, `dtype`).

    Example:
    ```python
    head = keras_ssl.heads.ProjectionHead(hidden_units=(128,), output_units=128)
    z = head(np.zeros((4, 128)))  # (4, 128)
    ```
    """

    def __init__(
        self,
        hidden_units=(512,),
        output_units=128,
        output_batch_norm=False,
        global_batch_norm=True,
        **kwargs,
    ):
        kwargs.pop("blocks", None)
        hidden_units = tuple(int(units) for units in hidden_units)
        blocks = [(units, True, "relu") for units in hidden_units]
        blocks.append((int(output_units), bool(output_batch_norm), None))
        super().__init__(blocks=blocks, **kwargs)
        self.hidden_units = hidden_units
        self.output_units = int(output_units)
        self.output_batch_norm = bool(output_batch_norm)
        self.global_batch_norm = bool(global_batch_norm)
        if self.global_batch_norm:
            # Not part of the config: a head saved on TensorFlow loads on JAX.
            synchronize_batch_norm(
                layer for block in self.block_layers for layer in block
            )

    def get_config(self):
        config = super().get_config()
        del config["blocks"]
        config.update(
            hidden_units=self.hidden_units,
            output_units=self.output_units,
            output_batch_norm=self.output_batch_norm,
            global_batch_norm=self.global_batch_norm,
        )
        return config
