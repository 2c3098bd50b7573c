"""Check image inputs once, before `fit`/`evaluate`/`predict` start.

Every error names what is wrong with the input and how to fix it. Arrays are
checked whole; datasets by their element spec and their first batch.
"""

import numpy as np

from keras_ssl.data.image_batch import select_images
from keras_ssl.data.pixel_convention import pixel_range_problem
from keras_ssl.data.tf_datasets import is_tf_dataset


def _shape_str(shape):
    return "(" + ", ".join("N" if d is None else str(d) for d in shape) + ")"


def _fail(message):
    raise ValueError(message)


def check_image_shape(shape, image_shape):
    """Check a batch shape against the encoder's `(H, W, C)` input shape.

    Args:
        shape: shape of a batch, `(N, H, W)` or `(N, H, W, C)`.
        image_shape: the encoder's input shape without the batch axis.
    """
    height, width, channels = image_shape
    shape = tuple(shape)
    expected = _shape_str((None,) + tuple(image_shape))
    if len(shape) == 3 and channels == 1:
        shape = shape + (1,)
    if len(shape) == 2:
        _fail(
            f"Images have rank 2 {_shape_str(shape)}: they look flattened. "
            f"The encoder expects {expected}; reshape them, e.g. "
            f"x.reshape(-1, {height}, {width}, {channels})."
        )
    if len(shape) != 4:
        _fail(
            f"Images must have rank 4 (N, H, W, C), or rank 3 (N, H, W) for "
            f"grayscale; got rank {len(shape)} {_shape_str(shape)}. The "
            f"encoder expects {expected}."
        )
    if channels is not None and shape[-1] is not None and shape[-1] != channels:
        _fail(
            f"Images have {shape[-1]} channel(s) but the encoder expects "
            f"{channels}. Build the encoder with input_shape=(H, W, "
            f"{shape[-1]}), or convert the images (e.g. "
            f"keras.ops.image.rgb_to_grayscale for RGB to 1 channel)."
        )
    for got, want, axis in zip(shape[1:3], (height, width), ("height", "width")):
        if got is not None and want is not None and got != want:
            _fail(
                f"Images have {axis} {got} but the encoder expects {want} "
                f"(input {expected}). Resize them (keras.layers.Resizing) or "
                f"build the encoder with the images' size."
            )


def _check_not_text_or_empty(array):
    if array.dtype.kind in "USO":
        _fail(
            f"Expected images (numbers), got dtype {array.dtype} (strings or "
            f"objects). Image methods take pixel arrays; for text use "
            f"keras_ssl.MaskedLM."
        )
    if array.size == 0 or array.shape[0] == 0:
        _fail(
            "The input holds no images (it is empty). Pass at least one "
            "batch of images."
        )


def check_image_values(array):
    """Check dtype and values of one numpy batch (or the whole array)."""
    _check_not_text_or_empty(array)
    if array.dtype.kind == "f":
        finite = np.isfinite(array)
        if not finite.all():
            bad = int(array.size - finite.sum())
            _fail(
                f"Images contain {bad} NaN or infinite value(s). Remove or "
                f"repair those images (np.isfinite finds them) before training."
            )
        problem = pixel_range_problem(float(array.min()), float(array.max()))
        if problem:
            _fail(problem)


def check_image_array(array, image_shape):
    """Check an array of images; return it ready for Keras (float64 -> 32)."""
    array = np.asarray(array)
    _check_not_text_or_empty(array)
    check_image_shape(array.shape, image_shape)
    check_image_values(array)
    if array.dtype == np.float64:
        array = array.astype("float32")
    return array


def _check_tf_dataset(dataset, image_shape):
    import tensorflow as tf  # Already imported: `dataset` is one of its.

    spec = select_images(dataset.element_spec)
    if spec.dtype == tf.string:
        _fail(
            "The dataset yields strings where images are expected. Decode "
            "them first (tf.io.decode_image), or use keras_ssl.MaskedLM for "
            "text."
        )
    shape = tuple(spec.shape)
    looks_unbatched = shape == tuple(image_shape) or (
        image_shape[-1] == 1 and shape == tuple(image_shape[:2])
    )
    if looks_unbatched:
        _fail(
            f"The dataset yields single images {_shape_str(shape)}, not "
            f"batches. Batch it first, e.g. dataset.batch(256)."
        )
    check_image_shape(shape, image_shape)
    if int(dataset.cardinality()) == 0:
        _fail("The dataset is empty. Pass a dataset with at least one batch.")
    for batch in dataset.take(1):
        check_image_values(np.asarray(select_images(batch)))
        return dataset
    _fail("The dataset is empty. Pass a dataset with at least one batch.")


def _check_py_dataset(dataset, image_shape):
    if len(dataset) == 0:
        _fail(
            "The PyDataset is empty (len 0). Pass one with at least one batch."
        )
    batch = np.asarray(select_images(dataset[0]))
    check_image_shape(batch.shape, image_shape)
    check_image_values(batch)
    return dataset


def prepare_images(x, image_shape):
    """Check any supported image input once; return what to hand to Keras.

    Accepts numpy arrays (pixels 0-255, uint8 or float; `(N, H, W)` or
    `(N, H, W, C)`), dicts with an `"image"` entry (tfds style), tuples whose
    first entry is the images, `tf.data.Dataset`s of batches of any of these,
    and `keras.utils.PyDataset`s. Other iterables pass through unchecked.

    Args:
        x: the input given to `fit`, `evaluate` or `predict`.
        image_shape: the encoder's input shape `(H, W, C)`; entries may be
            None.

    Returns:
        `x`, with arrays converted to numpy (float64 cast to float32).

    Raises:
        ValueError: naming the problem and the fix.
    """
    import keras

    if x is None:
        return x
    if is_tf_dataset(x):
        return _check_tf_dataset(x, image_shape)
    if isinstance(x, keras.utils.PyDataset):
        return _check_py_dataset(x, image_shape)
    if isinstance(x, dict):
        images = select_images(x)
        return {**x, "image": check_image_array(images, image_shape)}
    if isinstance(x, tuple):
        return (prepare_images(x[0], image_shape),) + tuple(x[1:])
    if isinstance(x, (list, np.ndarray)) or hasattr(x, "__array__"):
        return check_image_array(x, image_shape)
    return x
