"""The decoder of the convolutional autoencoder: vector -> image logits."""

import math

import keras
from keras import layers

from keras_ssl.layers import BatchNormalization
from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class ConvDecoder(keras.Model):
    """Mirror of a conv encoder: Dense, reshape, then upsampling conv stages.

    A Dense layer maps the feature vector to a small feature map; each stage
    is 3x3 conv-BN-ReLU blocks, with 2x nearest upsampling between stages;
    a final 3x3 conv gives one logit per pixel and channel. If the upsampled
    map is larger than the image (sizes not divisible by 2**stages), it is
    center-cropped.

    Args:
        feature_dim: int. Size of the encoder's feature vector.
        output_shape: tuple `(H, W, C)`. The image shape to reconstruct.
        stage_filters: tuple of tuples of int. Filters per conv, stage by
            stage, from the smallest feature map up (the encoder's stages
            reversed).
        name: string. Model name.

    Example:
    ```python
    decoder = keras_ssl.heads.ConvDecoder(128, (28, 28, 1))
    logits = decoder(np.zeros((2, 128)))  # (2, 28, 28, 1)
    ```
    """

    def __init__(
        self,
        feature_dim,
        output_shape,
        stage_filters=((128,), (64, 64), (32, 32)),
        name="conv_decoder",
        **kwargs,
    ):
        stage_filters = tuple(tuple(stage) for stage in stage_filters)
        height, width, channels = output_shape
        if height is None or width is None:
            raise ValueError(
                "ConvDecoder needs a fixed image size; build the encoder with "
                "input_shape=(H, W, C) with H and W set."
            )
        upsamplings = len(stage_filters) - 1
        scale = 2**upsamplings
        start = (math.ceil(height / scale), math.ceil(width / scale))

        # === Functional model ===
        inputs = keras.Input(shape=(feature_dim,), name="features")
        x = layers.Dense(
            start[0] * start[1] * stage_filters[0][0], use_bias=False,
            name="project",
        )(inputs)
        x = BatchNormalization(momentum=0.9, name="project_bn")(x)
        x = layers.ReLU(name="project_relu")(x)
        x = layers.Reshape(start + (stage_filters[0][0],), name="reshape")(x)
        for stage, filters in enumerate(stage_filters):
            if stage > 0:
                x = layers.UpSampling2D(2, name=f"stage{stage}_up")(x)
            for index, width_ in enumerate(filters):
                prefix = f"stage{stage}_conv{index}"
                x = layers.Conv2D(
                    width_, 3, padding="same", use_bias=False, name=prefix
                )(x)
                x = BatchNormalization(momentum=0.9, name=f"{prefix}_bn")(x)
                x = layers.ReLU(name=f"{prefix}_relu")(x)
        extra_h, extra_w = start[0] * scale - height, start[1] * scale - width
        if extra_h or extra_w:
            x = layers.Cropping2D(
                ((extra_h // 2, extra_h - extra_h // 2),
                 (extra_w // 2, extra_w - extra_w // 2)),
                name="crop",
            )(x)
        outputs = layers.Conv2D(channels, 3, padding="same", name="logits")(x)
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)

        # === Config ===
        self.feature_dim = feature_dim
        self.image_shape = tuple(output_shape)
        self.stage_filters = stage_filters

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "feature_dim": self.feature_dim,
            "output_shape": self.image_shape,
            "stage_filters": self.stage_filters,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
