"""Random resized crop: the crop of SimCLR, BYOL and DINO, on a whole batch."""

import math

import keras
from keras import ops

from keras_ssl.serialization import keras_ssl_serializable


def _check_range(name, values, low, high):
    values = tuple(float(v) for v in values)
    if len(values) != 2 or not low < values[0] <= values[1] <= high:
        raise ValueError(
            f"{name} must be (min, max) with {low} < min <= max <= {high}; "
            f"got {values}."
        )
    return values


def _check_output_size(output_size):
    if output_size is None:
        return None
    try:
        size = tuple(int(s) for s in output_size)
    except (TypeError, ValueError):
        size = ()
    if len(size) != 2 or min(size) < 1 or size != tuple(output_size):
        raise ValueError(
            f"output_size must be None (the input size) or a pair of positive "
            f"ints (height, width); got {output_size!r}."
        )
    return size


@keras_ssl_serializable
class RandomResizedCrop(keras.layers.Layer):
    """Crop a random area and aspect ratio of each image, resize the crop.

    The crop of Szegedy et al. 2015 used by SimCLR and BYOL: each image gets
    its own crop covering a fraction `scale` of its area with aspect ratio
    (width / height) in `ratio` (drawn log-uniformly), at a uniformly random
    position, resized to the input size (or `output_size`: DINO's smaller
    local crops) with bilinear interpolation. The
    whole batch is resampled at once with two batched matrix products, so
    it runs inside a jit-compiled (XLA) train step on every backend. Where
    torchvision re-draws crops that do not fit (10 tries, then a centre
    crop), a side longer than the image is clipped to the image.

    Reference: https://arxiv.org/abs/1409.4842 (Sec. 6),
    https://arxiv.org/abs/2002.05709 (Appendix A),
    https://arxiv.org/abs/2104.14294 (DINO, multi-crop)

    Args:
        scale: tuple of 2 floats in (0, 1]. Range of the crop's area as a
            fraction of the image's.
        ratio: tuple of 2 floats > 0. Range of the crop's aspect ratio.
        interpolation: `"bilinear"` or `"nearest"`.
        output_size: None (the input's height and width) or a pair of ints
            `(height, width)`, the size of the crops (with `training=False`
            the whole image is resized to it).
        seed: int or None. Seed used when `call` gets no `seed`.
        **kwargs: `keras.layers.Layer` arguments.

    Example:
    ```python
    crop = keras_ssl.augment.RandomResizedCrop(scale=(0.2, 1.0))
    crops = crop(np.random.rand(8, 28, 28, 1))  # (8, 28, 28, 1)
    local = keras_ssl.augment.RandomResizedCrop((0.05, 0.4), output_size=(12, 12))
    crops = local(np.random.rand(8, 28, 28, 1))  # (8, 12, 12, 1)
    ```
    """

    def __init__(
        self,
        scale=(0.08, 1.0),
        ratio=(3.0 / 4.0, 4.0 / 3.0),
        interpolation="bilinear",
        seed=None,
        output_size=None,
        **kwargs,
    ):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.scale = _check_range("scale", scale, 0.0, 1.0)
        self.ratio = _check_range("ratio", ratio, 0.0, math.inf)
        if interpolation not in ("bilinear", "nearest"):
            raise ValueError(
                f"interpolation must be 'bilinear' or 'nearest'; got "
                f"{interpolation!r}."
            )
        self.interpolation = interpolation
        self.output_size = _check_output_size(output_size)
        self.seed = seed
        self.generator = keras.random.SeedGenerator(seed)
        self.built = True

    def get_random_transformation(self, images, training=True, seed=None):
        """Per-image crop boxes, as fractions of the image's width/height.

        Returns:
            dict of `(N,)` float32 tensors `left`, `top`, `width`, `height`,
            or None when not training.
        """
        if not training:
            return None
        seed = self.generator if seed is None else seed
        shape = (ops.shape(images)[0],)
        area = keras.random.uniform(shape, *self.scale, seed=seed)
        log_ratio = keras.random.uniform(
            shape, math.log(self.ratio[0]), math.log(self.ratio[1]), seed=seed
        )
        ratio = ops.exp(log_ratio)
        width = ops.minimum(ops.sqrt(area * ratio), 1.0)
        height = ops.minimum(ops.sqrt(area / ratio), 1.0)
        left = keras.random.uniform(shape, seed=seed) * (1.0 - width)
        top = keras.random.uniform(shape, seed=seed) * (1.0 - height)
        return {"left": left, "top": top, "width": width, "height": height}

    def transform_images(self, images, transformation, training=True):
        """Crop each image to its box and resize it to the output size."""
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            if self.output_size is None:
                return images
            # Not training: the whole image, resized to `output_size`.
            transformation = self._whole_image(images)
        size_y, size_x = images.shape[1], images.shape[2]
        if size_y is None or size_x is None:
            raise ValueError(
                "RandomResizedCrop needs images of a fixed height and width; "
                f"got shape {images.shape}."
            )
        out_y, out_x = self.output_size or (size_y, size_x)
        rows = self._resampling(
            transformation["top"], transformation["height"], size_y, out_y
        )
        columns = self._resampling(
            transformation["left"], transformation["width"], size_x, out_x
        )
        # An axis-aligned crop-and-resize is separable: resample the rows,
        # then the columns, each a (N, out, in) matrix product. Plain matmuls
        # trace under XLA on every backend (TF's ImageProjectiveTransform,
        # behind keras.ops.image.affine_transform, does not).
        images = ops.einsum("noh,nhwc->nowc", rows, images)
        return ops.einsum("npw,nowc->nopc", columns, images)

    def _whole_image(self, images):
        ones = ops.ones((ops.shape(images)[0],), "float32")
        zeros = ops.zeros_like(ones)
        return {"left": zeros, "top": zeros, "width": ones, "height": ones}

    def _resampling(self, start, length, size, out):
        """`(N, out, size)` weights of interpolation along one axis.

        Output pixel i (centres at 0..out-1) reads the input at
        `x = step * i + (start * size + step / 2 - 1/2)` with
        `step = length * size / out`, which maps the crop's box
        `[start, start + length]` (fractions of the side) onto the whole
        output; positions are clamped to the border pixels.
        """
        outputs = ops.arange(out, dtype="float32")
        step = length * (size / out)
        offset = start * size + 0.5 * step - 0.5
        position = step[:, None] * outputs[None, :] + offset[:, None]
        position = ops.clip(position, 0.0, size - 1.0)
        inputs = ops.arange(size, dtype="float32")[None, None, :]
        if self.interpolation == "nearest":
            return ops.cast(ops.round(position)[:, :, None] == inputs, "float32")
        # Bilinear: the weight falls linearly to 0 one pixel away.
        return ops.relu(1.0 - ops.abs(position[:, :, None] - inputs))

    def call(self, images, training=True, seed=None):
        transformation = self.get_random_transformation(
            images, training=training, seed=seed
        )
        return self.transform_images(images, transformation, training=training)

    def compute_output_shape(self, input_shape):
        if self.output_size is None:
            return input_shape
        return (input_shape[0], *self.output_size, *input_shape[3:])

    def get_config(self):
        config = super().get_config()
        config.update(
            scale=self.scale,
            ratio=self.ratio,
            interpolation=self.interpolation,
            output_size=self.output_size,
            seed=self.seed,
        )
        return config
