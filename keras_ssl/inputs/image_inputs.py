"""Image inputs: arrays, `tf.data`, tfds dicts and `PyDataset`s of pixels."""

import numpy as np
from keras import ops

from keras_ssl.data import image_batch
from keras_ssl.data import image_checks
from keras_ssl.data.tf_datasets import is_tf_dataset
from keras_ssl.encoders.encoder_checks import image_encoder_shape
from keras_ssl.inputs.base_inputs import Inputs
from keras_ssl.inputs.epoch_pipeline import one_pipeline_for_epochs


# Keras's batch size for arrays when fit() is given none.
_KERAS_BATCH_SIZE = 32


class ImageInputs(Inputs):
    """The inputs of image methods, checked once and standardized per batch.

    Accepts numpy arrays (pixels 0-255, uint8 or float; `(N, H, W)` or
    `(N, H, W, C)`), tfds-style dicts with an `"image"` entry, `(x, y)`
    tuples (labels are ignored), `tf.data.Dataset`s of batches of any of
    these, and `keras.utils.PyDataset`s. Before a run the whole input is
    checked (wrong rank or channels, NaN, empty, strings: errors that name
    the problem and the fix); inside the step each batch becomes float32
    images, pixels still 0-255, with a channel axis. Float images that look
    scaled to [0, 1] are refused (see `keras_ssl.data.pixel_convention`).
    For `fit`, finite inputs are read through one iterator for all epochs
    (see `keras_ssl.inputs.epoch_pipeline`).

    Args:
        encoder: `keras.Model` mapping images `(N, H, W, C)` to vectors
            `(N, D)`.

    Example:
    ```python
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    inputs = keras_ssl.inputs.ImageInputs(encoder)
    inputs.image_shape   # (28, 28, 1)
    ```
    """

    modality = "image"

    def __init__(self, encoder):
        super().__init__(encoder)
        self.image_shape, self.feature_dim = image_encoder_shape(encoder)
        self.view_shape = self.image_shape

    def prepare(self, x, y=None, purpose="fit", **kwargs):
        if purpose == "fit" and x is not None and not _is_array_like(x):
            # Datasets carry their own order; Keras would warn that the
            # default shuffle=True is ignored.
            kwargs.setdefault("shuffle", False)
        is_array = _is_array_like(x)
        x = image_checks.prepare_images(x, self.image_shape)
        if purpose == "fit":
            # One iterator for all epochs (see keras_ssl.inputs.epoch_pipeline).
            x, kwargs = one_pipeline_for_epochs(x, y, kwargs, is_array)
        return x, y, kwargs

    def standardize(self, data):
        return image_batch.standardize_batch(data)

    def batch_count(self, data):
        return ops.shape(image_batch.select_images(data))[0]

    def first_batch_count(self, x, batch_size=None):
        if x is None:
            return None
        if is_tf_dataset(x):
            for batch in x.take(1):
                return int(np.shape(image_batch.select_images(batch))[0])
        if hasattr(x, "__getitem__") and hasattr(x, "__len__") and not (
            _is_array_like(x)
        ):
            return int(np.shape(image_batch.select_images(x[0]))[0])
        images = image_batch.select_images(x)
        if hasattr(images, "shape") and len(images.shape):
            return min(batch_size or _KERAS_BATCH_SIZE, int(images.shape[0]))
        return None


def _is_array_like(x):
    return isinstance(x, (list, tuple, dict)) or hasattr(x, "__array__")
