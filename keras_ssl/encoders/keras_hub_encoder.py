"""keras-hub image backbones as keras_ssl encoders: images -> one vector."""

import warnings

import keras
from keras import layers

from keras_ssl.encoders.backbone_resizing import resize_backbone
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
    and `keras_ssl.evaluation`.

    Other image sizes (multi-crop's local crops, DINO
    https://arxiv.org/abs/2104.14294 and SwAV): a backbone that takes any
    size (built on `image_shape=(None, None, C)`) gets the images as they
    are. One built for a fixed size is rebuilt for each new size by
    `resize_backbone`, sharing every weight: keras-hub's `ViTBackbone`
    then interpolates its position embeddings bilinearly over the new patch
    grid, the class token's kept (DINO's `interpolate_pos_encoding`), so
    the local crops' gradients reach the same variables as the global
    crops'. A backbone that cannot be rebuilt at that size (one with other
    fixed-size layers, e.g. DINOv2's or CLIP's embeddings, or a ViT whose
    patch size does not divide the crop) gets the images resized to the
    size it takes, with a warning: its local crops then keep their smaller
    field of view but not their lower resolution.

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
        # The layers for other image sizes: rebuilt when needed, untracked
        # (no second copy of the weights, nothing more in a saved file).
        object.__setattr__(self, "_layers_by_size", {})

    # --- Other image sizes --------------------------------------------------

    def _layers_for(self, shape):
        """The layers images of `shape` go through, in order; None: this
        model's own graph takes them."""
        size = tuple(shape[1:3])
        if None in size or size == tuple(self.image_shape[:2]):
            return None
        if size not in self._layers_by_size:
            self._layers_by_size[size] = self._sized_layers(size + tuple(shape[3:]))
        return self._layers_by_size[size]

    def _sized_layers(self, image_shape):
        converter = self.image_converter
        if converter is None:
            converter = self.get_layer("rescaling")
        chain = [converter]
        converted = converter.compute_output_spec(keras.KerasTensor((None,) + image_shape))
        wanted = _fixed_size(self.backbone)
        if wanted is None or tuple(converted.shape[1:3]) == wanted:
            return chain + [self.backbone, self.get_layer("pool")]
        try:
            backbone = resize_backbone(self.backbone, tuple(converted.shape[1:]))
        except ValueError as error:
            warnings.warn(
                f"keras_ssl: {error}. KerasHubEncoder resizes images of "
                f"{image_shape[0]}x{image_shape[1]} to {wanted[0]}x{wanted[1]}, "
                f"the size the backbone takes (multi-crop's local crops keep "
                f"their field of view, not their lower resolution).",
                stacklevel=4,
            )
            chain.append(layers.Resizing(*wanted, name="resize_to_backbone"))
            backbone = self.backbone
        return chain + [backbone, self.get_layer("pool")]

    def call(self, inputs, training=None, mask=None, **kwargs):
        chain = self._layers_for(inputs.shape)
        if chain is None:
            return super().call(inputs, training=training, mask=mask, **kwargs)
        x = inputs
        for layer in chain:  # `training` reaches them by the call context.
            x = layer(x)
        return x

    def compute_output_spec(self, inputs, training=None, mask=None):
        chain = self._layers_for(inputs.shape)
        if chain is None:
            return super().compute_output_spec(inputs, training=training, mask=mask)
        x = inputs
        for layer in chain:
            x = layer.compute_output_spec(x)
        return x

    def compute_output_shape(self, input_shape):
        spec = self.compute_output_spec(keras.KerasTensor(tuple(input_shape)))
        return tuple(spec.shape)

    # --- Config -------------------------------------------------------------

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


def _fixed_size(backbone):
    """The `(H, W)` a backbone is built for; None when it takes any size."""
    try:
        size = tuple(backbone.input_shape[1:3])
    except (AttributeError, ValueError):
        return None
    return None if None in size else size


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
