"""Turn one batch, as Keras delivers it, into float32 images (pixels 0-255).

Runs inside the train/test/predict step with `keras.ops`, so it traces under
jit on every backend and uint8 data travels to the device as uint8.
"""

import keras
from keras import ops

#: The key holding images in tfds-style dict elements.
IMAGE_KEY = "image"


def select_images(data):
    """The image part of a batch: `x`, `(x,)`, `(x, y)`, `(x, y, w)` or a dict.

    Args:
        data: a batch as yielded by a dataset or sliced from arrays.

    Returns:
        The image tensor; labels and sample weights are dropped.
    """
    if isinstance(data, dict):
        if IMAGE_KEY not in data:
            raise ValueError(
                f"Dict inputs must hold images under the key {IMAGE_KEY!r} "
                f"(tfds style); got keys {sorted(data)}. Map the dataset to "
                f"{{'image': images}} or pass the image tensor itself."
            )
        return data[IMAGE_KEY]
    if isinstance(data, (tuple, list)):
        return select_images(data[0])
    return data


def to_float_images(images):
    """Cast a batch of images to float32 with a channel axis, keeping 0-255.

    Pixels keep their 0-255 values (keras_ssl's convention, see
    `keras_ssl.data.pixel_convention`): uint8 and float input give the same
    float32 batch. A rank-3 batch `(N, H, W)` gets a channel axis of size 1.

    Args:
        images: tensor of shape `(N, H, W)` or `(N, H, W, C)`.

    Returns:
        float32 tensor of shape `(N, H, W, C)`.

    Example:
    >>> to_float_images(np.full((2, 28, 28), 255, "uint8")).shape
    (2, 28, 28, 1)
    """
    images = ops.convert_to_tensor(images)
    dtype = keras.backend.standardize_dtype(images.dtype)
    if dtype != "float32":
        images = ops.cast(images, "float32")
    if len(images.shape) == 3:
        images = ops.expand_dims(images, -1)
    return images


def standardize_batch(data):
    """`to_float_images(select_images(data))`: the step's view of a batch."""
    return to_float_images(select_images(data))
