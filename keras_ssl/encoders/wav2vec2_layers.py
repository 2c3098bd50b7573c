"""The layers of wav2vec 2.0's encoder (`Wav2Vec2Encoder`): feature encoder,
context network and masked mean pooling, all aware of padded samples."""

import keras
from keras import ops

from keras_ssl.serialization import keras_ssl_serializable

#: The paper's feature encoder kernels (Baevski et al. 2020, Sec. 4.2).
CONV_KERNELS = (10, 3, 3, 3, 3, 2, 2)
#: Strides at 8 kHz: a 10 ms hop (80 samples, 100 frames/s) where the
#: paper's (5, 2, 2, 2, 2, 2, 2) at 16 kHz hop 20 ms. FSDD's median clip
#: (3,358 samples, 0.42 s) gives 38 frames, its shortest (1,148) 11: every
#: clip holds a span of M = 10 masked frames. The paper's strides at 8 kHz
#: would give 10 and 2.
STRIDES_8KHZ = (5, 2, 2, 2, 2, 1, 1)


def frame_lengths(lengths, kernels, strides):
    """Valid output frames of stacked "valid" convolutions, per clip.

    A frame is valid when its whole receptive field lies in the clip:
    each layer maps `L` to `floor((L - kernel) / stride) + 1` (at least 0).

    Args:
        lengths: int tensor. Valid samples (or input frames) per clip.
        kernels: sequence of ints. Kernel sizes, one per layer.
        strides: sequence of ints. Strides, one per layer.

    Example:
    >>> frame_lengths(3358, CONV_KERNELS, STRIDES_8KHZ)
    38
    """
    for kernel, stride in zip(kernels, strides):
        lengths = ops.maximum((lengths - kernel) // stride + 1, 0)
    return lengths


def _masked_mean(x, mask, axis=1):
    weight = ops.expand_dims(ops.cast(mask, x.dtype), -1)
    count = ops.maximum(ops.sum(weight, axis=axis, keepdims=True), 1.0)
    return ops.sum(x * weight, axis=axis, keepdims=True) / count


@keras_ssl_serializable
class ConvFeatureEncoder(keras.layers.Layer):
    """wav2vec 2.0's feature encoder: 1-D convolutions, norm and GELU.

    "The encoder consists of several blocks containing a temporal
    convolution followed by layer normalization and a GELU activation"
    (Baevski et al. 2020, https://arxiv.org/abs/2006.11477, Sec. 2); the
    BASE model normalizes only the first layer, per channel over time
    (`norm="group"`, GroupNorm with one group per channel, here over the
    clip's valid frames only), LARGE every layer over channels
    (`norm="layer"`). Convolutions have no bias, as in the paper's code.

    Args:
        conv_dim: int. Channels of every convolution (512 in the paper).
        kernels: tuple of ints. Kernel sizes, one per layer.
        strides: tuple of ints. Strides, one per layer.
        norm: `"group"` or `"layer"`.
        **kwargs: `keras.layers.Layer` arguments.

    Example:
    ```python
    layer = ConvFeatureEncoder(conv_dim=32)
    features, frame_mask = layer(np.zeros((2, 3358)), np.ones((2, 3358), bool))
    features.shape  # (2, 38, 32)
    ```
    """

    def __init__(self, conv_dim=64, kernels=CONV_KERNELS, strides=STRIDES_8KHZ,
                 norm="group", **kwargs):
        super().__init__(**kwargs)
        if len(kernels) != len(strides):
            raise ValueError(
                f"kernels and strides need one entry per layer; got "
                f"{len(kernels)} kernels and {len(strides)} strides."
            )
        if norm not in ("group", "layer"):
            raise ValueError(f"norm must be 'group' or 'layer'; got {norm!r}.")
        self.conv_dim = int(conv_dim)
        self.kernels = tuple(int(k) for k in kernels)
        self.strides = tuple(int(s) for s in strides)
        self.norm = norm
        self.convs = [
            keras.layers.Conv1D(self.conv_dim, k, strides=s, use_bias=False,
                                dtype=self.dtype_policy, name=f"conv{i}")
            for i, (k, s) in enumerate(zip(self.kernels, self.strides))
        ]
        norms = len(self.kernels) if norm == "layer" else 1
        self.norms = [
            keras.layers.LayerNormalization(
                epsilon=1e-5, center=True, scale=True, dtype=self.dtype_policy,
                name=f"norm{i}",
            )
            for i in range(norms)
        ]

    @property
    def receptive_field(self):
        """Samples one frame sees (320 at the 8 kHz defaults: 40 ms)."""
        field, hop = 1, 1
        for kernel, stride in zip(self.kernels, self.strides):
            field, hop = field + (kernel - 1) * hop, hop * stride
        return field

    def build(self, input_shape):
        shape = (None, None, 1)
        for index, conv in enumerate(self.convs):
            conv.build(shape)
            shape = (None, None, self.conv_dim)
            if index < len(self.norms):
                self.norms[index].build(shape)

    def call(self, waveform, padding_mask):
        lengths = ops.sum(ops.cast(padding_mask, "int32"), axis=1)
        x = ops.expand_dims(waveform, -1)
        for index, (conv, kernel, stride) in enumerate(
            zip(self.convs, self.kernels, self.strides)
        ):
            x = conv(x)
            lengths = frame_lengths(lengths, (kernel,), (stride,))
            mask = ops.arange(ops.shape(x)[1])[None, :] < lengths[:, None]
            if index < len(self.norms) and self.norm == "layer":
                x = self.norms[index](x)
            elif index == 0:
                # GroupNorm, one group per channel, over the valid frames.
                mean = _masked_mean(x, mask)
                var = _masked_mean(ops.square(x - mean), mask)
                x = (x - mean) * ops.rsqrt(var + 1e-5)
                x = x * self.norms[0].gamma + self.norms[0].beta
            x = ops.gelu(x, approximate=False)
        return x, mask

    def compute_output_spec(self, waveform, padding_mask):
        # Given, not traced: tracing 7 strided convolutions over a symbolic
        # length is very slow on JAX.
        batch = waveform.shape[0]
        return (
            keras.KerasTensor((batch, None, self.conv_dim), dtype=self.compute_dtype),
            keras.KerasTensor((batch, None), dtype="bool"),
        )

    def get_config(self):
        return {**super().get_config(), "conv_dim": self.conv_dim,
                "kernels": self.kernels, "strides": self.strides, "norm": self.norm}


@keras_ssl_serializable
class ContextNetwork(keras.layers.Layer):
    """wav2vec 2.0's context network: conv position embedding, Transformer.

    "[A] convolutional layer ... which acts as relative positional
    embedding" (Sec. 4.2: kernel 128, 16 groups at 50 frames/s; here
    `position_kernel` frames): a grouped 1-D convolution and a GELU, added
    to the frames, then LayerNorm and post-norm Transformer blocks (BASE's
    order), with padded frames masked out of attention and zeroed before
    the convolution, so padding never reaches a valid frame.

    Args:
        hidden_dim: int. Frame width.
        num_layers: int. Transformer blocks.
        num_heads: int. Attention heads; must divide `hidden_dim`.
        mlp_dim: int. Hidden width of each block's feed-forward network.
        position_kernel: int. Kernel of the position convolution (frames).
        position_groups: int. Its groups; must divide `hidden_dim`.
        dropout: float. Dropout in the blocks.
        **kwargs: `keras.layers.Layer` arguments.

    Example:
    ```python
    layer = ContextNetwork(hidden_dim=32, num_layers=1, num_heads=2, mlp_dim=64)
    layer(np.zeros((2, 38, 32)), np.ones((2, 38), bool)).shape  # (2, 38, 32)
    ```
    """

    def __init__(self, hidden_dim=64, num_layers=2, num_heads=4, mlp_dim=128,
                 position_kernel=16, position_groups=8, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        if hidden_dim % num_heads or hidden_dim % position_groups:
            raise ValueError(
                f"hidden_dim {hidden_dim} must be a multiple of num_heads "
                f"({num_heads}) and of position_groups ({position_groups})."
            )
        self.hidden_dim, self.num_layers = int(hidden_dim), int(num_layers)
        self.num_heads, self.mlp_dim = int(num_heads), int(mlp_dim)
        self.position_kernel = int(position_kernel)
        self.position_groups = int(position_groups)
        self.dropout = float(dropout)
        policy = self.dtype_policy
        self.position_conv = keras.layers.Conv1D(
            hidden_dim, position_kernel, padding="same", groups=position_groups,
            dtype=policy, name="position_conv",
        )
        self.input_norm = keras.layers.LayerNormalization(epsilon=1e-5, dtype=policy)
        self.blocks = []
        for index in range(num_layers):
            self.blocks.append({
                "attention": keras.layers.MultiHeadAttention(
                    num_heads, hidden_dim // num_heads, dropout=dropout,
                    dtype=policy, name=f"attention{index}"),
                "attention_norm": keras.layers.LayerNormalization(
                    epsilon=1e-5, dtype=policy, name=f"attention_norm{index}"),
                "hidden": keras.layers.Dense(
                    mlp_dim, activation="gelu", dtype=policy, name=f"hidden{index}"),
                "output": keras.layers.Dense(hidden_dim, dtype=policy, name=f"output{index}"),
                "mlp_norm": keras.layers.LayerNormalization(
                    epsilon=1e-5, dtype=policy, name=f"mlp_norm{index}"),
            })
        self.output_dropout = keras.layers.Dropout(dropout)

    def build(self, input_shape):
        shape = (None, None, self.hidden_dim)
        self.position_conv.build(shape)
        self.input_norm.build(shape)
        for block in self.blocks:
            block["attention"].build(shape, shape)
            block["attention_norm"].build(shape)
            block["hidden"].build(shape)
            block["output"].build((None, None, self.mlp_dim))
            block["mlp_norm"].build(shape)

    def call(self, frames, frame_mask, training=False):
        valid = ops.expand_dims(ops.cast(frame_mask, frames.dtype), -1)
        x = frames * valid
        x = x + ops.gelu(self.position_conv(x), approximate=False)
        x = self.input_norm(x)
        # Every query attends to the clip's valid frames only.
        attention_mask = ops.logical_and(
            ops.ones_like(frame_mask, "bool")[:, :, None], frame_mask[:, None, :]
        )
        for block in self.blocks:
            attended = block["attention"](x, x, attention_mask=attention_mask,
                                          training=training)
            x = block["attention_norm"](x + self.output_dropout(attended, training=training))
            hidden = block["output"](block["hidden"](x))
            x = block["mlp_norm"](x + self.output_dropout(hidden, training=training))
        return x

    def compute_output_spec(self, frames, frame_mask, training=False):
        return keras.KerasTensor(frames.shape, dtype=self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "hidden_dim": self.hidden_dim,
                "num_layers": self.num_layers, "num_heads": self.num_heads,
                "mlp_dim": self.mlp_dim, "position_kernel": self.position_kernel,
                "position_groups": self.position_groups, "dropout": self.dropout}


@keras_ssl_serializable
class MaskedFramePooling(keras.layers.Layer):
    """The mean of each clip's valid frames: `(N, F, D)`, mask -> `(N, D)`.

    A clip with no valid frame gives zeros.

    Example:
    ```python
    MaskedFramePooling()(np.ones((2, 5, 3)), np.ones((2, 5), bool)).shape  # (2, 3)
    ```
    """

    def call(self, frames, frame_mask):
        return ops.squeeze(_masked_mean(frames, frame_mask), axis=1)

    def compute_output_spec(self, frames, frame_mask):
        return keras.KerasTensor((frames.shape[0], frames.shape[-1]), dtype=frames.dtype)
