"""General file plumbing: writes that never leave a file half-written."""

from keras_ssl.io.atomic_write import atomic_directory
from keras_ssl.io.atomic_write import atomic_file

__all__ = ["atomic_directory", "atomic_file"]
