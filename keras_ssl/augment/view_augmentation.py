"""`ViewAugmentation`: the view pipeline of SimCLR and BYOL as one layer.

`ViewAugmentation` turns a batch of images (pixels 0-255) into one random
view per image inside the train step. It drives Keras's own layers (`RandomFlip`,
`RandomBrightness`, `RandomContrast`, `RandomSaturation`, `RandomHue`,
`RandomGrayscale`, `RandomGaussianBlur`, `Solarization`) and keras_ssl's
`RandomResizedCrop` through their `get_random_transformation` /
`transform_images` methods, with the seed the caller passes (the model's
`SeedGenerator`), so the views are reproducible and trace under jit.

The published settings are in `keras_ssl.augment.view_recipes`.
"""

import keras
from keras import layers
from keras import ops

from keras_ssl.augment.checks import check_probability as _probability
from keras_ssl.augment.checks import check_strength as _strength
from keras_ssl.augment.random_resized_crop import RandomResizedCrop
from keras_ssl.serialization import keras_ssl_serializable

# Solarization in BYOL: x -> x if x < 0.5 else 1 - x (on [0, 1] pixels);
# Keras's Solarization works on a 0-255 scale.
_SOLARIZE_THRESHOLD = 127.5

# 0-255 pixels to [0, 1] and back (keras_ssl.data.pixel_convention).
_PIXEL_MAX = 255.0
_TO_UNIT = 1.0 / _PIXEL_MAX


def blur_kernel_size(image_size):
    """SimCLR's blur kernel: 10% of the image side, rounded to an odd size."""
    return max(3, int(0.1 * image_size) // 2 * 2 + 1)


def random_apply(transformed, images, probability, seed):
    """Per image, `transformed` with `probability`, else `images`."""
    if probability >= 1.0:
        return transformed
    draws = keras.random.uniform((ops.shape(images)[0], 1, 1, 1), seed=seed)
    return ops.where(draws < probability, transformed, images)


@keras_ssl_serializable
class ViewAugmentation(keras.layers.Layer):
    """One random view per image: crop, flip, colour, grayscale, blur, solarize.

    The steps, in SimCLR's order (Chen et al. 2020, Appendix A) and each
    drawn independently per image:

    1. random resized crop (`crop_scale`, `crop_ratio`), back to full size;
    2. horizontal flip with probability 0.5 (`horizontal_flip`);
    3. with probability `jitter_probability`, colour jitter: brightness
       (additive delta in [-b, b], as `tf.image.random_brightness` in
       SimCLR's code), contrast (factor in [1-c, 1+c]), saturation (factor in
       [1-s, 1+s]) and hue (shift in [-h, h] of the colour circle), in this
       fixed order (the papers draw the order at random);
    4. grayscale with probability `grayscale_probability`;
    5. Gaussian blur with probability `blur_probability`, sigma drawn in
       `blur_sigma` once per batch (Keras's `RandomGaussianBlur`), kernel
       `blur_kernel_size` (default: 10% of the image side, odd);
    6. solarization (`x -> 1 - x` above 0.5) with probability
       `solarize_probability` (BYOL's second view).

    Images are pixels in 0-255, `(N, H, W, C)` (keras_ssl's convention),
    and so are the views; the steps work on `images / 255` inside, so the
    strengths above are those of the papers' [0, 1] pixels. Saturation, hue and
    grayscale need colour and are skipped on 1-channel images; brightness
    and contrast apply to any channel count. Views are computed in float32
    whatever the global dtype policy.

    References: https://arxiv.org/abs/2002.05709 (SimCLR, Appendix A),
    https://arxiv.org/abs/2006.07733 (BYOL, Appendix B)

    Args:
        crop_scale: tuple of 2 floats, or None for no crop. Area fraction.
        crop_ratio: tuple of 2 floats. Aspect-ratio range of the crop.
        crop_size: None (the input size) or `(height, width)`: the size the
            crop is resized to (DINO's smaller local crops).
        horizontal_flip: bool. Flip left-right with probability 0.5 (leave
            off for digits and text).
        jitter_probability: float. Probability of the colour jitter.
        brightness: float in [0, 1]. Maximum brightness delta.
        contrast: float in [0, 1]. Maximum relative contrast change.
        saturation: float in [0, 1]. Maximum relative saturation change.
        hue: float in [0, 0.5]. Maximum hue shift.
        grayscale_probability: float. Probability of dropping colour.
        blur_probability: float. Probability of the Gaussian blur.
        blur_sigma: tuple of 2 floats. Range of the blur's sigma in pixels.
        blur_kernel_size: odd int or None (10% of the image side).
        solarize_probability: float. Probability of solarization.
        seed: int or None. Seed used when `call` gets no `seed`.
        **kwargs: `keras.layers.Layer` arguments.

    Example:
    ```python
    augment = keras_ssl.augment.ViewAugmentation(crop_scale=(0.2, 1.0))
    views = augment(np.random.uniform(0, 255, (8, 32, 32, 3)))  # (8, 32, 32, 3)
    model = keras_ssl.SimCLR(encoder, augmentation=augment)
    ```
    """

    def __init__(
        self,
        crop_scale=(0.08, 1.0),
        crop_ratio=(3.0 / 4.0, 4.0 / 3.0),
        horizontal_flip=True,
        jitter_probability=0.8,
        brightness=0.8,
        contrast=0.8,
        saturation=0.8,
        hue=0.2,
        grayscale_probability=0.2,
        blur_probability=0.5,
        blur_sigma=(0.1, 2.0),
        blur_kernel_size=None,
        solarize_probability=0.0,
        seed=None,
        crop_size=None,
        **kwargs,
    ):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        # === Config ===
        self.crop_scale = None if crop_scale is None else tuple(crop_scale)
        self.crop_ratio = tuple(crop_ratio)
        self.horizontal_flip = bool(horizontal_flip)
        self.jitter_probability = _probability("jitter_probability", jitter_probability)
        self.brightness = _strength("brightness", brightness)
        self.contrast = _strength("contrast", contrast)
        self.saturation = _strength("saturation", saturation)
        self.hue = _strength("hue", hue, high=0.5)
        self.grayscale_probability = _probability(
            "grayscale_probability", grayscale_probability
        )
        self.blur_probability = _probability("blur_probability", blur_probability)
        self.blur_sigma = tuple(float(s) for s in blur_sigma)
        if blur_kernel_size is not None and (
            int(blur_kernel_size) < 1 or int(blur_kernel_size) % 2 == 0
        ):
            raise ValueError(
                f"blur_kernel_size must be an odd positive int or None; got "
                f"{blur_kernel_size}."
            )
        self.blur_kernel_size = blur_kernel_size
        self.solarize_probability = _probability(
            "solarize_probability", solarize_probability
        )
        self.seed = seed
        self.generator = keras.random.SeedGenerator(seed)

        # === Layers (float32 views under any dtype policy) ===
        unit = {"value_range": (0.0, 1.0), "dtype": "float32"}
        self.crop = None
        if crop_size is not None and self.crop_scale is None:
            raise ValueError(f"crop_size={crop_size} needs crop_scale= too.")
        if self.crop_scale is not None:
            self.crop = RandomResizedCrop(self.crop_scale, self.crop_ratio,
                                          output_size=crop_size, dtype="float32",
                                          name="crop")
        self.crop_size = None if self.crop is None else self.crop.output_size
        self.flip = layers.RandomFlip("horizontal", dtype="float32", name="flip")
        self.random_brightness = layers.RandomBrightness(
            self.brightness, name="brightness", **unit
        )
        self.random_contrast = layers.RandomContrast(
            self.contrast, name="contrast", **unit
        )
        self.random_saturation = layers.RandomSaturation(
            0.5, name="saturation", **unit
        )
        self.random_hue = layers.RandomHue(
            min(2.0 * self.hue, 1.0), name="hue", **unit
        )
        self.grayscale = layers.RandomGrayscale(
            self.grayscale_probability, dtype="float32", name="grayscale"
        )
        self.solarization = layers.Solarization(
            threshold_factor=(0.5, 0.5), name="solarization", **unit
        )
        self.blur = None

    def build(self, input_shape):
        # The blur's kernel follows the image size, known only here; the
        # methods build their augmentation before any step is traced.
        if self.blur is not None:
            return
        size = min(input_shape[1] or 32, input_shape[2] or 32)
        if self.crop_size is not None:
            size = min(self.crop_size)
        kernel = self.blur_kernel_size or blur_kernel_size(size)
        self.blur = layers.RandomGaussianBlur(
            factor=(self.blur_probability, self.blur_probability),
            kernel_size=int(kernel),
            sigma=self.blur_sigma,
            value_range=(0.0, 1.0),
            dtype="float32",
            name="blur",
        )
        self.built = True

    # --- One step each, all seeded by the caller ---------------------------

    def _color_jitter(self, images, seed):
        colour = images.shape[-1] == 3
        if self.brightness > 0:
            layer = self.random_brightness
            images = layer.transform_images(
                images, layer.get_random_transformation(images, seed=seed)
            )
        if self.contrast > 0:
            layer = self.random_contrast
            images = layer.transform_images(
                images, layer.get_random_transformation(images, seed=seed)
            )
        if colour and self.saturation > 0:
            # Factor uniform in [1-s, 1+s], as tf.image.random_saturation.
            factor = keras.random.uniform(
                (ops.shape(images)[0],),
                1.0 - self.saturation,
                1.0 + self.saturation,
                seed=seed,
            )
            images = self.random_saturation.transform_images(
                images, {"factor": factor}
            )
        if colour and self.hue > 0:
            layer = self.random_hue
            images = layer.transform_images(
                images, layer.get_random_transformation(images, seed=seed)
            )
        return images

    def _solarize(self, images):
        batch = (ops.shape(images)[0], 1, 1, 1)
        transformation = {
            "additions": ops.zeros(batch, "float32"),
            "thresholds": ops.full(batch, _SOLARIZE_THRESHOLD, "float32"),
        }
        return self.solarization.transform_images(images, transformation)

    def call(self, images, training=True, seed=None):
        images = ops.cast(images, "float32")
        if not training:
            return images
        seed = self.generator if seed is None else seed
        # The steps and their strengths are those of [0, 1] pixels.
        return self._view(images * _TO_UNIT, seed) * _PIXEL_MAX

    def _view(self, images, seed):
        if self.crop is not None:
            images = self.crop(images, training=True, seed=seed)
        if self.horizontal_flip:
            images = self.flip.transform_images(
                images, self.flip.get_random_transformation(images, seed=seed)
            )
        if self.jitter_probability > 0:
            jittered = self._color_jitter(images, seed)
            images = random_apply(jittered, images, self.jitter_probability, seed)
        if self.grayscale_probability > 0 and images.shape[-1] == 3:
            images = self.grayscale.transform_images(
                images, self.grayscale.get_random_transformation(images, seed=seed)
            )
        if self.blur_probability > 0:
            images = self.blur.transform_images(
                images, self.blur.get_random_transformation(images, seed=seed)
            )
        if self.solarize_probability > 0:
            images = random_apply(
                self._solarize(images), images, self.solarize_probability, seed
            )
        return images

    def compute_output_shape(self, input_shape):
        if self.crop_size is None:
            return input_shape
        return (input_shape[0], *self.crop_size, *input_shape[3:])

    def get_config(self):
        config = super().get_config()
        config.update(
            crop_scale=self.crop_scale,
            crop_ratio=self.crop_ratio,
            horizontal_flip=self.horizontal_flip,
            jitter_probability=self.jitter_probability,
            brightness=self.brightness,
            contrast=self.contrast,
            saturation=self.saturation,
            hue=self.hue,
            grayscale_probability=self.grayscale_probability,
            blur_probability=self.blur_probability,
            blur_sigma=self.blur_sigma,
            blur_kernel_size=self.blur_kernel_size,
            solarize_probability=self.solarize_probability,
            seed=self.seed,
            crop_size=self.crop_size,
        )
        return config
