"""Check text inputs once, before training, and turn them into `tf.data`.

Text methods take raw strings in any of four forms: a list (or tuple, or
numpy array) of strings, a path to a UTF-8 text file (one text per non-blank
line), or a `tf.data.Dataset` of strings (single strings or batches; dict
elements hold them under `"text"`). Every error names the problem and the
fix. Lists and files are checked whole; datasets by their element spec and
their first element.
"""

import os

import numpy as np

from keras_ssl.data.tf_datasets import is_tf_dataset

#: The key holding the text in dict elements (tfds style).
TEXT_KEY = "text"

_FORMS = (
    "a list of strings, a path to a text file (one text per line) or a "
    "tf.data.Dataset of strings"
)


def _fail(message):
    raise ValueError(message)


def _holds_strings(x):
    """True if `x` is strings in memory: a str, a list/array of str or a
    string tensor."""
    if isinstance(x, str):
        return True
    if isinstance(x, (list, tuple)):
        return len(x) > 0 and isinstance(x[0], str)
    if isinstance(x, np.ndarray):
        if x.dtype.kind == "O":
            return x.size > 0 and isinstance(x.flat[0], str)
        return x.dtype.kind in "US"
    dtype = getattr(x, "dtype", None)
    return getattr(dtype, "name", None) == "string"


def is_text_input(x):
    """True for any text input form; keras_ssl's one text detector.

    The forms: a string, a list/tuple/numpy array of strings, a string
    tensor, a path (`str` or `os.PathLike`) and a `tf.data.Dataset` of
    strings (dict elements: under `"text"`; tuple elements: first). Nothing
    is read or checked: `string_dataset` does that.

    Args:
        x: any input.

    Returns:
        bool. False for numbers, images, token ids and anything else.
    """
    if isinstance(x, os.PathLike) or _holds_strings(x):
        return True
    if not is_tf_dataset(x):
        return False
    spec = x.element_spec
    if isinstance(spec, dict):
        spec = spec.get(TEXT_KEY)
    elif isinstance(spec, tuple):
        spec = spec[0]
    return getattr(getattr(spec, "dtype", None), "name", None) == "string"


def check_texts(texts):
    """Check a list of texts; return them as a list of `str`.

    Args:
        texts: list, tuple or 1-D numpy array of strings.

    Returns:
        The texts as a list.

    Raises:
        ValueError: for an empty corpus, a non-string entry, or a text that
            is empty or only whitespace (naming its index).
    """
    if isinstance(texts, np.ndarray):
        if texts.dtype.kind not in "USO":
            _fail(
                f"Expected raw text, got a numeric array of dtype "
                f"{texts.dtype}. Pass {_FORMS}. (Image methods take pixel "
                f"arrays.)"
            )
        if texts.ndim != 1:
            _fail(
                f"Expected a 1-D array of texts, got shape {texts.shape}. "
                f"Flatten it: texts.reshape(-1)."
            )
        texts = texts.tolist()
    texts = list(texts)
    if not texts:
        _fail(f"The corpus is empty: no texts. Pass {_FORMS}, with text.")
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            _fail(
                f"texts[{index}] is {type(text).__name__} {text!r:.40}, not a "
                f"string. Text methods take raw strings; convert with str() "
                f"or remove it."
            )
        if not text.strip():
            _fail(
                f"texts[{index}] is empty (or only whitespace). Remove empty "
                f"texts, e.g. [t for t in texts if t.strip()]."
            )
    return texts


def read_text_file(path):
    """The non-blank lines of a UTF-8 text file, stripped, as a list."""
    with open(path, encoding="utf-8") as file:
        texts = [line.strip() for line in file if line.strip()]
    if not texts:
        _fail(
            f"The text file {path!r} is empty (no non-blank line). Pass "
            f"a file with one text per line."
        )
    return texts


def _select_text_spec(dataset):
    """Map dict/tuple elements to their text; return (dataset, spec)."""
    spec = dataset.element_spec
    if isinstance(spec, dict):
        if TEXT_KEY not in spec:
            _fail(
                f"Dict elements must hold text under the key {TEXT_KEY!r}; "
                f"got keys {sorted(spec)}. Map the dataset to "
                f"{{'text': texts}} or to the strings themselves."
            )
        dataset = dataset.map(lambda element: element[TEXT_KEY])
    elif isinstance(spec, tuple):
        dataset = dataset.map(lambda *element: element[0])
    return dataset, dataset.element_spec


def _checked_tf_dataset(dataset):
    import tensorflow as tf

    dataset, spec = _select_text_spec(dataset)
    if not isinstance(spec, tf.TensorSpec) or spec.dtype != tf.string:
        _fail(
            f"The dataset yields {spec}, not strings. Text methods take "
            f"{_FORMS}."
        )
    if spec.shape.rank not in (0, 1):
        _fail(
            f"The dataset yields string tensors of shape {spec.shape}; "
            f"expected single strings () or batches (N,). Unbatch or "
            f"flatten it."
        )
    if int(dataset.cardinality()) == 0:
        _fail("The dataset is empty: no texts. Pass a dataset with text.")
    for first in dataset.take(1):
        values = np.atleast_1d(first.numpy())
        check_texts([value.decode("utf-8") for value in values])
        return dataset, spec.shape.rank == 1
    _fail("The dataset is empty: no texts. Pass a dataset with text.")


def string_dataset(x):
    """Check a text input; return `(dataset, batched)`.

    Args:
        x: a list/tuple/1-D array of strings, a path to a text file (each
            non-blank line is one text), or a `tf.data.Dataset` of strings,
            single or batched (dict elements: the `"text"` entry; tuple
            elements: the first entry).

    Returns:
        `(dataset, batched)`: a `tf.data.Dataset` of scalar strings
        (`batched=False`), or of string batches `(N,)` as the user batched
        them (`batched=True`).

    Raises:
        ValueError: naming the problem and the fix.
    """
    import tensorflow as tf

    if is_tf_dataset(x):
        return _checked_tf_dataset(x)
    if isinstance(x, os.PathLike) or isinstance(x, str):
        path = os.fspath(x)
        if not os.path.isfile(path):
            _fail(
                f"Got a single string that is not a path to a file "
                f"({path!r:.60}). Pass a list of texts, e.g. [text], or the "
                f"path of an existing text file."
            )
        return tf.data.Dataset.from_tensor_slices(read_text_file(path)), False
    if isinstance(x, (list, tuple, np.ndarray)):
        return tf.data.Dataset.from_tensor_slices(check_texts(x)), False
    _fail(f"Expected {_FORMS}; got {type(x).__name__}.")
