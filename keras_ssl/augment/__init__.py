"""View makers: augmentations applied inside the training step."""

from keras_ssl.augment.rotations import rotate_90
from keras_ssl.augment.rotations import rotation_batch

__all__ = ["rotate_90", "rotation_batch"]
