"""View makers: augmentations applied inside the training step."""

from keras_ssl.augment.random_resized_crop import RandomResizedCrop
from keras_ssl.augment.rotations import rotate_90
from keras_ssl.augment.rotations import rotation_batch
from keras_ssl.augment.views import ViewAugmentation
from keras_ssl.augment.views import byol_views
from keras_ssl.augment.views import default_views
from keras_ssl.augment.views import digit_views
from keras_ssl.augment.views import make_view
from keras_ssl.augment.views import simclr_views

__all__ = [
    "RandomResizedCrop",
    "ViewAugmentation",
    "byol_views",
    "default_views",
    "digit_views",
    "make_view",
    "rotate_90",
    "rotation_batch",
    "simclr_views",
]
