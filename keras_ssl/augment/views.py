"""Compatibility module: the names `keras_ssl.augment.views` used to define.

The code now lives in one module per job:

- `view_augmentation`: the `ViewAugmentation` layer (and its helpers);
- `view_recipes`: `simclr_views`, `byol_views`, `digit_views`,
  `default_views` and the view-recipe registry;
- `apply_view`: `make_view`.

Import from `keras_ssl.augment` in new code. `.keras` files that name this
module still load: the layers are found by their registered names
(`keras_ssl>ViewAugmentation`), and the names are re-exported here.
"""

from keras_ssl.augment.apply_view import make_view
from keras_ssl.augment.view_augmentation import ViewAugmentation
from keras_ssl.augment.view_augmentation import blur_kernel_size
from keras_ssl.augment.view_augmentation import random_apply
from keras_ssl.augment.view_recipes import byol_views
from keras_ssl.augment.view_recipes import default_views
from keras_ssl.augment.view_recipes import digit_views
from keras_ssl.augment.view_recipes import simclr_views

__all__ = [
    "ViewAugmentation",
    "blur_kernel_size",
    "byol_views",
    "default_views",
    "digit_views",
    "make_view",
    "random_apply",
    "simclr_views",
]
