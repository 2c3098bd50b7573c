"""`RotatedViews`: a small random rotation before another view augmentation."""

import keras
from keras import layers
from keras import ops

from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class RotatedViews(keras.layers.Layer):
    """Rotate each image by a random angle, then apply `views`.

    Each image turns by its own angle, uniform in `[-degrees, degrees]`,
    about its centre (Keras's `RandomRotation`, bilinear, the corners it
    uncovers filled with `fill_value`), then goes through `views` (e.g. a
    `ViewAugmentation`). Both steps draw from the seed the caller passes
    (the model's `SeedGenerator`), so the views are reproducible and resume
    exactly. Small rotations suit handwriting: a digit written at a slant is
    the same digit, where a crop or a colour change alone keeps its slant.
    `keras_ssl.augment.digit_views(rotation=15)` builds one.

    Not from a paper's recipe: the SimCLR and BYOL recipes have no rotation
    (the SimCLR paper, arXiv 2002.05709, Figure 4, lists rotation among the
    augmentations it studied).

    Args:
        views: a Keras layer called as `views(images, training=True,
            seed=seed)` after the rotation, or None for the rotation alone.
        degrees: float in (0, 180]. The largest rotation either way.
        fill_value: float. The pixel value (0-255 scale) of the uncovered
            corners; 0 is the black background of MNIST-like digits.
        seed: int or None. The layer's own seed, used when the caller passes
            none.

    Example:
    ```python
    views = keras_ssl.augment.RotatedViews(
        keras_ssl.augment.digit_views(), degrees=15
    )
    model = keras_ssl.VICReg(encoder, augmentation=views)
    ```
    """

    def __init__(self, views=None, degrees=15.0, fill_value=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(degrees, bool) or not isinstance(degrees, (int, float)) or not (
            0 < degrees <= 180
        ):
            raise ValueError(
                f"degrees must be a number in (0, 180]; got {degrees!r}. It is the "
                f"largest rotation either way, e.g. degrees=15."
            )
        if views is not None and not isinstance(views, layers.Layer):
            raise TypeError(
                f"views must be a Keras layer (e.g. keras_ssl.augment.digit_views()) "
                f"or None; got {type(views).__name__}."
            )
        self.views = views
        self.degrees = float(degrees)
        self.fill_value = float(fill_value)
        self.seed = seed
        self.generator = keras.random.SeedGenerator(seed)
        self.rotation = layers.RandomRotation(
            self.degrees / 360.0, fill_mode="constant", fill_value=self.fill_value,
            dtype="float32", name="rotation",
        )

    def build(self, input_shape):
        if self.views is not None and not self.views.built:
            self.views.build(input_shape)
        self.built = True

    def call(self, images, training=True, seed=None):
        images = ops.cast(images, "float32")
        if not training:
            return images
        seed = self.generator if seed is None else seed
        transformation = self.rotation.get_random_transformation(
            images, training=True, seed=seed
        )
        images = self.rotation.transform_images(images, transformation, training=True)
        if self.views is None:
            return images
        return self.views(images, training=True, seed=seed)

    def compute_output_shape(self, input_shape):
        if self.views is None:
            return input_shape
        return self.views.compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            views=None if self.views is None else keras.saving.serialize_keras_object(self.views),
            degrees=self.degrees,
            fill_value=self.fill_value,
            seed=self.seed,
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if config.get("views") is not None:
            config["views"] = keras.saving.deserialize_keras_object(config["views"])
        return cls(**config)
