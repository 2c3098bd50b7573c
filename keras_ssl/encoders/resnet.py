"""ResNet-18 with the CIFAR stem used by SimCLR and BYOL on small images."""

import keras
from keras import layers

from keras_ssl.encoders.encoder_checks import any_image_size
from keras_ssl.encoders.pixel_rescaling import rescale_pixels
from keras_ssl.encoders.pixel_rescaling import upgrade_legacy_config
from keras_ssl.layers import BatchNormalization
from keras_ssl.loading import encoder_from_preset
from keras_ssl.serialization import keras_ssl_serializable


def _conv_bn(x, filters, kernel_size, strides, name, momentum, relu=True):
    x = layers.Conv2D(
        filters,
        kernel_size,
        strides=strides,
        padding="same",
        use_bias=False,
        name=f"{name}_conv",
    )(x)
    x = BatchNormalization(momentum=momentum, name=f"{name}_bn")(x)
    if relu:
        x = layers.ReLU(name=f"{name}_relu")(x)
    return x


def _basic_block(x, filters, strides, name, momentum):
    """He et al. 2016's basic block: two 3x3 convs and a shortcut."""
    shortcut = x
    if strides != 1 or x.shape[-1] != filters:
        shortcut = _conv_bn(
            x, filters, 1, strides, f"{name}_proj", momentum, relu=False
        )
    x = _conv_bn(x, filters, 3, strides, f"{name}_a", momentum)
    x = _conv_bn(x, filters, 3, 1, f"{name}_b", momentum, relu=False)
    x = layers.Add(name=f"{name}_add")([x, shortcut])
    return layers.ReLU(name=f"{name}_out")(x)


@keras_ssl_serializable
class ResNet18(keras.Model):
    """ResNet-18 (He et al. 2016) with a CIFAR stem, as in SimCLR's CIFAR runs.

    The stem is one 3x3 stride-1 convolution with no max-pool (Chen et al.
    2020, appendix B.9), followed by four stages of two basic blocks and a
    global average pool: 11.2M weights and a 512-d feature vector.

    Reference: https://arxiv.org/abs/1512.03385

    Args:
        input_shape: tuple `(H, W, C)`. Image size; H and W may be None.
        stage_filters: tuple of int. Width of each stage.
        blocks_per_stage: tuple of int. Basic blocks in each stage.
        batch_norm_momentum: float. Momentum of the BatchNorm moving
            statistics (0.9: PyTorch's 0.1 convention, see `ConvNet`).
        include_rescaling: bool. Start with `Rescaling(1 / 255)`, so the
            encoder takes pixels in 0-255 (uint8 or float), Keras's
            convention. False: the caller scales the pixels.
        name: string. Model name.

    Example:
    ```python
    encoder = keras_ssl.encoders.ResNet18(input_shape=(32, 32, 3))
    model = keras_ssl.SimCLR(encoder=encoder)
    ```
    """

    def __init__(
        self,
        input_shape=(32, 32, 3),
        stage_filters=(64, 128, 256, 512),
        blocks_per_stage=(2, 2, 2, 2),
        batch_norm_momentum=0.9,
        include_rescaling=True,
        name="resnet18",
        **kwargs,
    ):
        if len(stage_filters) != len(blocks_per_stage):
            raise ValueError(
                f"stage_filters {stage_filters} and blocks_per_stage "
                f"{blocks_per_stage} must have the same length."
            )
        # === Functional model ===
        inputs = keras.Input(shape=tuple(input_shape), name="images")
        pixels = rescale_pixels(inputs, include_rescaling)
        x = _conv_bn(pixels, stage_filters[0], 3, 1, "stem", batch_norm_momentum)
        for stage, (filters, blocks) in enumerate(
            zip(stage_filters, blocks_per_stage)
        ):
            for block in range(blocks):
                strides = 2 if stage > 0 and block == 0 else 1
                x = _basic_block(
                    x, filters, strides, f"stage{stage}_block{block}",
                    batch_norm_momentum,
                )
        outputs = layers.GlobalAveragePooling2D(name="pool")(x)
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)
        # Global pooling: any image size (e.g. DINO's local crops).
        self.input_spec = any_image_size(input_shape[-1])

        # === Config ===
        self.image_shape = tuple(input_shape)
        self.stage_filters = tuple(stage_filters)
        self.blocks_per_stage = tuple(blocks_per_stage)
        self.batch_norm_momentum = batch_norm_momentum
        self.include_rescaling = bool(include_rescaling)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "input_shape": self.image_shape,
            "stage_filters": self.stage_filters,
            "blocks_per_stage": self.blocks_per_stage,
            "batch_norm_momentum": self.batch_norm_momentum,
            "include_rescaling": self.include_rescaling,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**upgrade_legacy_config(config, cls.__name__))

    # `ResNet18.from_preset(name)`: the pretrained encoder of an SSL preset.
    from_preset = classmethod(encoder_from_preset)
