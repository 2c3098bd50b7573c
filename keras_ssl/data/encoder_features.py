"""Frozen-encoder features of an evaluation input, computed once in batches.

The probe and kNN functions and callbacks all start here. Inputs may be:

- images: numpy arrays of pixels in 0-255 (uint8 or float), `(N, H, W)` or
  `(N, H, W, C)`; they are checked against the encoder's input shape and
  converted batch by batch with `keras_ssl.data.image_batch.to_float_images`
  (float32, still 0-255: encoders scale pixels themselves);
- text: arrays or lists of strings, handed to `encoder.predict` as they are
  (a text encoder tokenizes them itself);
- labeled pairs `(x, y)`, tfds-style dicts `{"image": x, "label": y}` (or
  `{"text": x, "label": y}`) and batched `tf.data.Dataset`s of either, read
  once in order;
- with `encoder=None`, the inputs themselves are the features (flattened):
  the raw-pixel baseline, or features computed elsewhere.
"""

import numpy as np

from keras_ssl.data import image_batch
from keras_ssl.data import image_checks
from keras_ssl.data.text_checks import TEXT_KEY
from keras_ssl.data.text_checks import is_text_input
from keras_ssl.data.tf_datasets import is_tf_dataset

#: The key holding labels in tfds-style dict elements.
LABEL_KEY = "label"


def _encoder_image_shape(encoder):
    """`(H, W, C)` if the encoder takes image batches, else None."""
    try:
        shape = tuple(encoder.input_shape)
    except (AttributeError, ValueError):
        return None
    return shape[1:] if len(shape) == 4 else None


def as_feature_vectors(outputs, encoder, example="`model.encoder`, not the whole model or a feature map"):
    """`outputs` as float32 `(N, D)`; any other rank raises, naming `example`
    (an encoder that gives one vector per example)."""
    outputs = np.asarray(outputs)
    if outputs.ndim != 2:
        raise ValueError(
            f"The encoder {getattr(encoder, 'name', encoder)!r} returns shape "
            f"{outputs.shape}, not one vector per example. Evaluate an encoder "
            f"that ends in global pooling (e.g. {example})."
        )
    return outputs.astype("float32", copy=False)


def _raw_features(x):
    array = np.asarray(x)
    if array.dtype.kind in "USO":
        raise ValueError(
            "encoder=None uses the inputs themselves as features, but these "
            "are strings. Pass the text encoder that embeds them."
        )
    if array.dtype.kind in "iu":
        array = array.astype("float32") / 255.0
    return array.reshape(len(array), -1).astype("float32", copy=False)


def _padded_size(count, batch_size):
    """The next power of two >= count, capped at batch_size.

    Each new batch shape costs a trace and compile (JAX, tf.function), so
    batches are padded to a few sizes: at most log2(batch_size) + 1 shapes
    per encoder, and less than 2x wasted work on a short last batch.
    """
    return min(batch_size, 1 << max(count - 1, 0).bit_length())


def _image_features(encoder, images, batch_size):
    outputs = []
    for start in range(0, len(images), batch_size):
        chunk = images[start:start + batch_size]
        padded = np.resize(chunk, (_padded_size(len(chunk), batch_size),) + chunk.shape[1:])
        batch = image_batch.to_float_images(padded)
        outputs.append(np.asarray(encoder.predict_on_batch(batch))[:len(chunk)])
    return as_feature_vectors(np.concatenate(outputs), encoder)


def _array_features(encoder, x, batch_size):
    if encoder is None:
        return _raw_features(x)
    if is_text_input(x):
        x = np.asarray(x) if isinstance(x, (list, tuple)) else x
        return as_feature_vectors(encoder.predict(x, batch_size=batch_size, verbose=0), encoder)
    image_shape = _encoder_image_shape(encoder)
    if image_shape is not None:
        images = image_checks.check_image_array(x, image_shape)
        return _image_features(encoder, images, batch_size)
    x = np.asarray(x)
    if x.dtype == np.float64:
        x = x.astype("float32")
    return as_feature_vectors(encoder.predict(x, batch_size=batch_size, verbose=0), encoder)


def _input_part(element):
    """The input of an unlabeled element: itself, a tuple's first entry, or
    a dict's `"image"` (or `"text"`) entry."""
    if isinstance(element, dict) and TEXT_KEY in element:
        return element[TEXT_KEY]
    return image_batch.select_images(element)


def _split_labeled(element):
    """`(x, y)` of one labeled element: a pair, or a dict with a label."""
    if isinstance(element, dict):
        if LABEL_KEY not in element:
            raise ValueError(
                f"Labeled dict inputs need the key {LABEL_KEY!r} (tfds "
                f"style); got keys {sorted(element)}. Pass (x, y) instead."
            )
        x = {key: value for key, value in element.items() if key != LABEL_KEY}
        if image_batch.IMAGE_KEY in x or TEXT_KEY in x:
            x = _input_part(x)
        elif len(x) == 1:
            (x,) = x.values()
        return x, element[LABEL_KEY]
    if isinstance(element, (tuple, list)) and len(element) >= 2:
        return element[0], element[1]
    raise ValueError(
        "Labeled inputs must be a pair (x, y), a dict with 'image' (or the "
        "text) and 'label', or a batched tf.data.Dataset of either; got "
        f"{type(element).__name__}."
    )


def _decoded(strings):
    """A numpy batch of `tf.string`s (bytes) as an array of `str`."""
    return np.array([value.decode("utf-8") for value in np.ravel(strings)])


def _dataset_features(encoder, dataset, batch_size, labeled):
    spec = dataset.element_spec
    text = is_text_input(dataset)
    if labeled:
        _, label_spec = _split_labeled(spec)
        if label_spec.shape.rank == 0:
            raise ValueError(
                "The dataset yields single examples, not batches (its labels "
                "are scalars). Batch it first, e.g. dataset.batch(256)."
            )
    features, labels = [], []
    for element in dataset.as_numpy_iterator():
        if labeled:
            x, y = _split_labeled(element)
            labels.append(np.asarray(y))
        else:
            x = _input_part(element)
        if text:  # The numpy iterator yields tf.string as bytes.
            x = _decoded(x)
        features.append(_array_features(encoder, x, batch_size))
    if not features:
        raise ValueError("The dataset is empty; pass at least one batch.")
    features = np.concatenate(features)
    return (features, np.concatenate(labels)) if labeled else features


def check_inputs(encoder, data, labeled):
    """Check evaluation data cheaply (no forward pass); raise ValueError.

    Callbacks call this when training starts, so a wrong shape or a missing
    label fails at once instead of after the first epoch.
    """
    if is_tf_dataset(data):
        if labeled:
            _split_labeled(data.element_spec)
        return
    x = data
    if labeled:
        x, y = _split_labeled(data)
        if len(np.asarray(y).reshape(-1)) != len(x):
            raise ValueError(
                f"Got {len(x)} examples but {len(np.asarray(y).reshape(-1))} "
                f"labels; pass one label per example."
            )
    elif isinstance(x, dict):
        x = _input_part(x)
    if encoder is None or is_text_input(x):
        return
    image_shape = _encoder_image_shape(encoder)
    if image_shape is not None:
        image_checks.check_image_array(x, image_shape)


def extract_features(encoder, x, batch_size=256):
    """Features of `x` from a frozen encoder, as one float32 numpy array.

    The encoder runs in inference mode (BatchNorm uses its moving
    statistics, no dropout) on batches of `batch_size`; nothing is trained
    or updated.

    Args:
        encoder: `keras.Model` mapping a batch to vectors `(N, D)` (e.g.
            `model.encoder`), or None to use `x` itself, flattened (integer
            pixels are scaled to [0, 1]).
        x: images (pixels 0-255, uint8 or float), strings, a tfds-style dict, or
            a batched `tf.data.Dataset` of those.
        batch_size: examples per forward pass.

    Returns:
        float32 array `(N, D)`.

    Example:
    >>> x_test, _ = keras_ssl.datasets.mnist5k("test")
    >>> extract_features(model.encoder, x_test).shape
    (1000, 128)
    """
    if is_tf_dataset(x):
        return _dataset_features(encoder, x, batch_size, labeled=False)
    if isinstance(x, dict):
        x = _input_part(x)
    return _array_features(encoder, x, batch_size)


def labeled_features(encoder, data, batch_size=256):
    """`(features, labels)` of labeled data, read once in order.

    Args:
        encoder: as in `extract_features` (None: the inputs are features).
        data: `(x, y)`, a dict `{"image": x, "label": y}` (or `{"text": x,
            "label": y}`), or a batched `tf.data.Dataset` yielding either.
        batch_size: examples per forward pass.

    Returns:
        float32 array `(N, D)` and a numpy array `(N,)` of labels.
    """
    if is_tf_dataset(data):
        return _dataset_features(encoder, data, batch_size, labeled=True)
    x, y = _split_labeled(data)
    features = extract_features(encoder, x, batch_size)
    labels = np.asarray(y).reshape(-1)
    if len(labels) != len(features):
        raise ValueError(
            f"Got {len(features)} examples but {len(labels)} labels; pass one "
            f"label per example."
        )
    return features, labels
