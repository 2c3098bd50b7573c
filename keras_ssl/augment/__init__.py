"""View makers: augmentations applied inside the training step."""

from keras_ssl.augment.apply_view import make_view
from keras_ssl.augment.identity_view import IdentityView
from keras_ssl.augment.jigsaw_permutations import maximal_hamming_permutations
from keras_ssl.augment.jigsaw_tiles import random_jigsaw_puzzles
from keras_ssl.augment.multi_crop import multi_crop_sizes
from keras_ssl.augment.multi_crop import multi_crop_views
from keras_ssl.augment.random_resized_crop import RandomResizedCrop
from keras_ssl.augment.rotated_views import RotatedViews
from keras_ssl.augment.rotations import rotate_90
from keras_ssl.augment.rotations import rotation_batch
from keras_ssl.augment.view_augmentation import ViewAugmentation
from keras_ssl.augment.view_recipes import byol_views
from keras_ssl.augment.view_recipes import clothing_views
from keras_ssl.augment.view_recipes import default_views
from keras_ssl.augment.view_recipes import digit_views
from keras_ssl.augment.view_recipes import list_view_recipes
from keras_ssl.augment.view_recipes import register_view_recipe
from keras_ssl.augment.view_recipes import simclr_views
from keras_ssl.augment.view_recipes import view_recipe

__all__ = [
    "IdentityView",
    "RandomResizedCrop",
    "RotatedViews",
    "ViewAugmentation",
    "byol_views",
    "clothing_views",
    "default_views",
    "digit_views",
    "list_view_recipes",
    "maximal_hamming_permutations",
    "make_view",
    "multi_crop_sizes",
    "multi_crop_views",
    "random_jigsaw_puzzles",
    "register_view_recipe",
    "rotate_90",
    "rotation_batch",
    "simclr_views",
    "view_recipe",
]
