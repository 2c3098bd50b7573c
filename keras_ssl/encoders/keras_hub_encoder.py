"""keras-hub image backbones as keras_ssl encoders: images -> one vector."""

import keras
from keras import layers

from keras_ssl.encoders.encoder_checks import any_image_size
from keras_ssl.encoders.pixel_rescaling import PIXEL_SCALE
from keras_ssl.serialization import keras_ssl_serializable

__all__ = ["KerasHubEncoder", "from_keras_hub"]

_POOLINGS = ("avg", "max", "cls")


@keras_ssl_serializable
class ClassTokenPooling(layers.Layer):
    """The first token of a `(N, T, D)` sequence: a ViT's class token."""

    def call(self, tokens):
        return tokens[:, 0]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])


def _pooling_layer(pooling, rank):
    if pooling not in _POOLINGS:
        raise ValueError(
            f"pooling must be one of {_POOLINGS} (or None: 'avg' for feature "
            f"maps, 'cls' for token sequences); got {pooling!r}."
        )
    if rank == 4:
        if pooling == "cls":
            raise ValueError(
                "pooling='cls' takes the class token of a token sequence "
                "(ViT-like backbones); this backbone outputs feature maps "
                "(N, H, W, C): use 'avg' or 'max'."
            )
        pool = layers.GlobalAveragePooling2D if pooling == "avg" else (
            layers.GlobalMaxPooling2D
        )
        return pool(name="pool")
    if pooling == "cls":
        return ClassTokenPooling(name="pool")
    pool = layers.GlobalAveragePooling1D if pooling == "avg" else (
        layers.GlobalMaxPooling1D
    )
    return pool(name="pool")


@keras_ssl_serializable
class KerasHubEncoder(keras.Model):
    """A keras-hub image backbone as an encoder: 0-255 images -> vectors.

    keras_ssl's encoders take pixels in 0-255 (docs/architecture.md, "Pixels
    are 0-255"); keras-hub backbones take pixels already scaled by their
    preset's `ImageConverter`. This model is `image_converter` (by default
    `Rescaling(1/255)`, to [0, 1]; pass the preset's converter, e.g.
    `keras_hub.layers.ImageConverter.from_preset(handle)`, for its scaling
    and normalization: it takes 0-255 pixels too), then the backbone, then
    `pooling` of its output: global average / max pooling of feature maps
    `(N, H, W, C)` (ResNetBackbone, ...), or of token sequences `(N, T, D)`
    (ViTBackbone, DINOV2Backbone, ...), whose class token (the first) is
    `"cls"`. It serves every method, the probe callbacks, `ImageClassifier`
    and `keras_ssl.evaluation`. The images may have any height and width
    the backbone takes (DINO's local crops need that); a backbone built for
    one size (e.g. keras-hub's ViT, whose position embeddings are fixed)
    takes only that size.

    Args:
        backbone: a `keras_hub.models.Backbone` (or any Keras model) taking
            images `(N, H, W, C)`.
        pooling: None, `"avg"`, `"max"` or `"cls"`. None: `"avg"` for
            feature maps, `"cls"` for token sequences.
        image_converter: None (`Rescaling(1/255)`) or a layer taking 0-255
            pixels (a keras-hub `ImageConverter`).
        input_shape: None (the backbone's) or `(H, W, C)`.
        name: str.
        **kwargs: `keras.Model` arguments.

    Example:
    ```python
    backbone = keras_hub.models.Backbone.from_preset("path/or/handle")
    encoder = keras_ssl.encoders.from_keras_hub(backbone)
    model = keras_ssl.DINO(encoder=encoder)
    ```
    """

    def __init__(
        self, backbone, pooling=None, image_converter=None, input_shape=None,
        name="keras_hub_encoder", **kwargs,
    ):
        if not isinstance(backbone, keras.layers.Layer):
            raise TypeError(
                f"from_keras_hub takes a keras-hub Backbone (a keras.Model); "
                f"got {type(backbone).__name__}."
            )
        if input_shape is None:
            try:
                input_shape = tuple(backbone.input_shape[1:])
            except (AttributeError, ValueError) as error:
                raise ValueError(
                    f"The backbone {backbone.name!r} has no known input shape; "
                    f"pass input_shape=(H, W, C)."
                ) from error
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError(
                f"from_keras_hub wraps image backbones, taking (N, H, W, C); "
                f"this one takes {(None,) + input_shape}."
            )
        converter = image_converter
        if converter is None:
            converter = layers.Rescaling(PIXEL_SCALE, name="rescaling")
        # === Functional model ===
        inputs = keras.Input(shape=input_shape, name="images")
        outputs = backbone(converter(inputs))
        rank = len(outputs.shape)
        if rank not in (3, 4):
            raise ValueError(
                f"The backbone {backbone.name!r} outputs shape {outputs.shape}; "
                f"from_keras_hub pools feature maps (N, H, W, C) or token "
                f"sequences (N, T, D)."
            )
        if pooling is None:
            pooling = "avg" if rank == 4 else "cls"
        outputs = _pooling_layer(pooling, rank)(outputs)
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)
        self.input_spec = any_image_size(input_shape[-1])

        # === Config ===
        self.backbone = backbone
        self.pooling = pooling
        self.image_converter = image_converter
        self.image_shape = input_shape

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "backbone": keras.layers.serialize(self.backbone),
            "pooling": self.pooling,
            "image_converter": None if self.image_converter is None else (
                keras.layers.serialize(self.image_converter)
            ),
            "input_shape": self.image_shape,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["backbone"] = keras.layers.deserialize(config["backbone"])
        if config.get("image_converter") is not None:
            config["image_converter"] = keras.layers.deserialize(
                config["image_converter"]
            )
        return cls(**config)

    @classmethod
    def from_keras_hub_preset(cls, preset, pooling=None, image_converter=None):
        """The encoder of a keras-hub preset: a directory saved by keras-hub
        (`backbone.save_to_preset(path)`) or a `kaggle://` / `hf://` handle
        (online). keras-hub's own loader reads and checks it."""
        try:
            import keras_hub
        except ImportError as error:
            raise ImportError(
                f"Loading the keras-hub preset {preset!r} needs keras-hub: "
                f"pip install keras-hub."
            ) from error
        backbone = keras_hub.models.Backbone.from_preset(preset)
        return cls(backbone, pooling=pooling, image_converter=image_converter)


def from_keras_hub(backbone, pooling=None, image_converter=None, input_shape=None):
    """Wrap a keras-hub image backbone into a keras_ssl encoder.

    See `KerasHubEncoder` (what is wrapped, pooling, the pixel convention).

    Args:
        backbone: a `keras_hub.models.Backbone` taking images.
        pooling: None, `"avg"`, `"max"` or `"cls"`.
        image_converter: None (`Rescaling(1/255)`) or a keras-hub
            `ImageConverter` (it takes 0-255 pixels).
        input_shape: None (the backbone's) or `(H, W, C)`.

    Returns:
        A `KerasHubEncoder`, mapping 0-255 images to `(N, D)` vectors.

    Example:
    ```python
    backbone = keras_hub.models.ResNetBackbone.from_preset("resnet_18_imagenet")
    encoder = keras_ssl.encoders.from_keras_hub(backbone, pooling="avg")
    model = keras_ssl.DINO(encoder=encoder)
    ```
    """
    return KerasHubEncoder(
        backbone, pooling=pooling, image_converter=image_converter,
        input_shape=input_shape,
    )
