"""wav2vec 2.0's encoder, sized for 8 kHz speech on a CPU."""

import keras

from keras_ssl.encoders.wav2vec2_layers import CONV_KERNELS
from keras_ssl.encoders.wav2vec2_layers import STRIDES_8KHZ
from keras_ssl.encoders.wav2vec2_layers import ContextNetwork
from keras_ssl.encoders.wav2vec2_layers import ConvFeatureEncoder
from keras_ssl.encoders.wav2vec2_layers import MaskedFramePooling
from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class Wav2Vec2Encoder(keras.Model):
    """wav2vec 2.0's encoder: waveform -> frames -> one vector per clip.

    Baevski et al. 2020, "wav2vec 2.0: A Framework for Self-Supervised
    Learning of Speech Representations", https://arxiv.org/abs/2006.11477.
    A convolutional feature encoder (7 layers, kernels 10, 3, 3, 3, 3, 2, 2
    as in the paper; strides 5, 2, 2, 2, 2, 1, 1 for 8 kHz: a 10 ms hop,
    100 frames/s, a 320-sample (40 ms) receptive field) with GroupNorm on
    its first layer (`feature_norm="group"`, BASE) or LayerNorm on every
    layer (`"layer"`, LARGE) and GELU; LayerNorm and a projection to
    `hidden_dim`; a Transformer context network with a grouped-convolution
    relative position embedding; then the mean of the valid frames.

    Takes `{"waveform": float (N, T), "padding_mask": bool (N, T)}`:
    mono samples in [-1, 1] at `sample_rate` Hz (8 kHz by default, FSDD's
    rate), True on real samples (`keras_ssl.inputs.AudioInputs` makes this
    from int16, lists of clips and WAV folders). Padding never changes a
    clip's output: a frame is valid when its receptive field lies in the
    clip, and only valid frames enter the norms, attention and the mean.
    FSDD's median clip (0.42 s) gives 38 frames, its shortest 11; a clip
    shorter than 320 samples has no frame and gives a zero vector.

    The frame sequence: `encoder.frame_model` is a Keras model on the same
    inputs and weights returning `{"frames": (N, F, hidden_dim),
    "frame_mask": bool (N, F)}`. For the pretraining objective,
    `feature_frames(inputs)` gives the feature encoder's output and frame
    mask, `project_features` its LayerNorm and projection, and
    `context_frames(projected, frame_mask)` the context network.

    The defaults (64 conv channels, 64 wide, 2 blocks) have 145,920 weights
    and run on a 2-core CPU; the paper's BASE is `conv_dim=512,
    hidden_dim=768, num_layers=12, num_heads=12, mlp_dim=3072,
    position_kernel=128, position_groups=16` at 16 kHz with strides
    (5, 2, 2, 2, 2, 2, 2).

    Args:
        sample_rate: int. The rate (Hz) of the waveforms it takes.
        conv_dim: int. Channels of the feature encoder.
        strides: tuple of 7 ints. The feature encoder's strides.
        feature_norm: `"group"` or `"layer"`.
        hidden_dim: int. Frame width of the context network (and output).
        num_layers: int. Transformer blocks.
        num_heads: int. Attention heads; must divide `hidden_dim`.
        mlp_dim: int. Hidden width of the blocks' feed-forward networks.
        position_kernel: int. Kernel (frames) of the position convolution.
        position_groups: int. Its groups; must divide `hidden_dim`.
        dropout: float. Dropout inside the blocks.
        name: str. Model name.

    Example:
    ```python
    encoder = keras_ssl.encoders.Wav2Vec2Encoder()
    batch = {"waveform": np.zeros((2, 3358)), "padding_mask": np.ones((2, 3358), bool)}
    encoder(batch).shape                          # (2, 64)
    encoder.frame_model(batch)["frames"].shape    # (2, 38, 64)
    ```
    """

    def __init__(self, sample_rate=8000, conv_dim=64, strides=STRIDES_8KHZ,
                 feature_norm="group", hidden_dim=64, num_layers=2, num_heads=4,
                 mlp_dim=128, position_kernel=16, position_groups=8, dropout=0.0,
                 name="wav2vec2_encoder", **kwargs):
        if int(sample_rate) <= 0:
            raise ValueError(f"sample_rate must be a positive int (Hz); got {sample_rate}.")
        if len(strides) != len(CONV_KERNELS):
            raise ValueError(
                f"strides needs {len(CONV_KERNELS)} entries, one per layer of "
                f"kernels {CONV_KERNELS}; got {tuple(strides)}."
            )

        # === Functional model ===
        waveform = keras.Input((None,), name="waveform")
        padding_mask = keras.Input((None,), dtype="bool", name="padding_mask")
        features, frame_mask = ConvFeatureEncoder(
            conv_dim, CONV_KERNELS, strides, feature_norm, name="feature_encoder"
        )(waveform, padding_mask)
        x = keras.layers.LayerNormalization(epsilon=1e-5, name="feature_norm")(features)
        x = keras.layers.Dense(hidden_dim, name="feature_projection")(x)
        frames = ContextNetwork(
            hidden_dim, num_layers, num_heads, mlp_dim, position_kernel,
            position_groups, dropout, name="context_network",
        )(x, frame_mask)
        pooled = MaskedFramePooling(name="pool")(frames, frame_mask)
        inputs = {"waveform": waveform, "padding_mask": padding_mask}
        super().__init__(inputs=inputs, outputs=pooled, name=name, **kwargs)

        # === Config ===
        self.sample_rate = int(sample_rate)
        self.conv_dim = int(conv_dim)
        self.strides = tuple(int(s) for s in strides)
        self.feature_norm = feature_norm
        self.hidden_dim = int(hidden_dim)
        self.num_layers = int(num_layers)
        self.num_heads = int(num_heads)
        self.mlp_dim = int(mlp_dim)
        self.position_kernel = int(position_kernel)
        self.position_groups = int(position_groups)
        self.dropout = float(dropout)

    @property
    def frame_model(self):
        """A Keras model (same inputs and weights) giving the frame sequence:
        `{"frames": (N, F, hidden_dim), "frame_mask": bool (N, F)}`."""
        _, frame_mask = self.get_layer("feature_encoder").output
        frames = self.get_layer("context_network").output
        return keras.Model(
            self.input, {"frames": frames, "frame_mask": frame_mask},
            name=f"{self.name}_frames",
        )

    @property
    def receptive_field(self):
        """Samples one frame sees (320 at the defaults)."""
        return self.get_layer("feature_encoder").receptive_field

    def feature_frames(self, inputs):
        """The feature encoder's output `(N, F, conv_dim)` and frame mask."""
        return self.get_layer("feature_encoder")(
            inputs["waveform"], inputs["padding_mask"]
        )

    def project_features(self, features):
        """LayerNorm and projection of `feature_frames`: `(N, F, hidden_dim)`."""
        return self.get_layer("feature_projection")(
            self.get_layer("feature_norm")(features)
        )

    def context_frames(self, projected, frame_mask, training=False):
        """The context network on (e.g. partly masked) projected features."""
        return self.get_layer("context_network")(projected, frame_mask, training=training)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "sample_rate": self.sample_rate,
            "conv_dim": self.conv_dim,
            "strides": self.strides,
            "feature_norm": self.feature_norm,
            "hidden_dim": self.hidden_dim,
            "num_layers": self.num_layers,
            "num_heads": self.num_heads,
            "mlp_dim": self.mlp_dim,
            "position_kernel": self.position_kernel,
            "position_groups": self.position_groups,
            "dropout": self.dropout,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
