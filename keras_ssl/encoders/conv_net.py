"""A small convolutional encoder for 28x28 and 32x32 images."""

import keras
from keras import layers

from keras_ssl.encoders.encoder_checks import any_image_size
from keras_ssl.encoders.pixel_rescaling import rescale_pixels
from keras_ssl.encoders.pixel_rescaling import upgrade_legacy_config
from keras_ssl.layers import BatchNormalization
from keras_ssl.layers import Conv2D
from keras_ssl.loading import encoder_from_preset
from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class ConvNet(keras.Model):
    """Small VGG-style encoder: 3x3 conv stages, max-pooling between them.

    Each conv is bias-free and followed by BatchNormalization and ReLU; a
    global average pool gives one vector per image. The defaults,
    `((32, 32), (64, 64), (128,))`, give 139,808 weights (138,528 trainable)
    and a 128-d feature vector. Pixels come in 0-255 (uint8 or float, as
    from `keras.utils.image_dataset_from_directory`); the first layer scales
    them to [0, 1].

    Args:
        input_shape: tuple `(H, W, C)`. Image size; H and W may be None.
        stage_filters: tuple of tuples of int. Filters of each conv, stage by
            stage; a 2x2 max-pool separates stages.
        pooling: `"avg"` or `"max"`. Global pooling over the last stage.
        batch_norm_momentum: float. Momentum of the BatchNorm moving
            statistics. 0.9 (PyTorch's 0.1 convention, used by the SSL
            reference implementations) keeps them current in short runs;
            Keras's 0.99 leaves them far from the data for ~500 steps.
        include_rescaling: bool. Start with `Rescaling(1 / 255)`, so the
            encoder takes pixels in 0-255 (uint8 or float), Keras's
            convention. False: the caller scales the pixels.
        name: string. Model name.

    Example:
    ```python
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    features = encoder(np.zeros((2, 28, 28, 1)))  # (2, 128)
    wider = keras_ssl.encoders.ConvNet(
        input_shape=(32, 32, 3), stage_filters=((64, 64), (128, 128), (256,))
    )
    ```
    """

    def __init__(
        self,
        input_shape=(28, 28, 1),
        stage_filters=((32, 32), (64, 64), (128,)),
        pooling="avg",
        batch_norm_momentum=0.9,
        include_rescaling=True,
        name="conv_net",
        **kwargs,
    ):
        if pooling not in ("avg", "max"):
            raise ValueError(f"pooling must be 'avg' or 'max'; got {pooling!r}")
        stage_filters = tuple(tuple(stage) for stage in stage_filters)
        if not stage_filters or not all(stage_filters):
            raise ValueError(
                f"stage_filters needs at least one non-empty stage; got "
                f"{stage_filters}."
            )
        # === Functional model ===
        inputs = keras.Input(shape=tuple(input_shape), name="images")
        pixels = rescale_pixels(inputs, include_rescaling)
        x = pixels
        for stage, filters in enumerate(stage_filters):
            if stage > 0:
                x = layers.MaxPooling2D(2, name=f"stage{stage}_pool")(x)
            for index, width in enumerate(filters):
                prefix = f"stage{stage}_conv{index}"
                x = Conv2D(
                    width, 3, padding="same", use_bias=False, name=prefix
                )(x)
                x = BatchNormalization(
                    momentum=batch_norm_momentum, name=f"{prefix}_bn"
                )(x)
                x = layers.ReLU(name=f"{prefix}_relu")(x)
        pool = layers.GlobalAveragePooling2D if pooling == "avg" else (
            layers.GlobalMaxPooling2D
        )
        outputs = pool(name="pool")(x)
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)
        # Global pooling: any image size (e.g. DINO's local crops).
        self.input_spec = any_image_size(input_shape[-1])

        # === Config ===
        self.image_shape = tuple(input_shape)
        self.stage_filters = stage_filters
        self.pooling = pooling
        self.batch_norm_momentum = batch_norm_momentum
        self.include_rescaling = bool(include_rescaling)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "input_shape": self.image_shape,
            "stage_filters": self.stage_filters,
            "pooling": self.pooling,
            "batch_norm_momentum": self.batch_norm_momentum,
            "include_rescaling": self.include_rescaling,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**upgrade_legacy_config(config, cls.__name__))

    # `ConvNet.from_preset(name)`: the pretrained encoder of an SSL preset.
    from_preset = classmethod(encoder_from_preset)
