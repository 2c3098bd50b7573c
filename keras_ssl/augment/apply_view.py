"""`make_view`: apply an augmentation to a batch the way the methods do.

An augmentation is a Keras layer (called with `training=True`) or a plain
callable; either gets the model's seed when its signature takes `seed`. The
view is checked against the shape the encoder expects: by default the input
images' shape, or `expected_shape` for multi-crop methods (DINO's smaller
local crops).
"""

import inspect

import keras
from keras import layers
from keras import ops


def _takes_seed(augmentation):
    function = augmentation
    if isinstance(augmentation, layers.Layer):
        function = augmentation.call
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    return "seed" in parameters


def _matches(shape, expected):
    return len(shape) == len(expected) and all(
        e is None or s is None or int(s) == int(e) for s, e in zip(shape, expected)
    )


def _check_shape(view, images, expected_shape):
    shape = tuple(view.shape[1:])
    if expected_shape is None:
        if shape != tuple(images.shape[1:]):
            raise ValueError(
                f"The augmentation changed the image shape from "
                f"{tuple(images.shape[1:])} to {shape}; views must keep the "
                f"encoder's input shape. Resize back (e.g. RandomResizedCrop "
                f"rather than RandomCrop), or pass expected_shape= for a "
                f"method whose views differ in size (multi-crop)."
            )
        return
    expected_shape = tuple(expected_shape)
    if not _matches(shape, expected_shape):
        raise ValueError(
            f"The augmentation made views of shape {shape}, but the encoder's "
            f"input shape for this view is {expected_shape} (None matches any "
            f"size). Make the augmentation output that size (e.g. "
            f"RandomResizedCrop(output_size=(h, w))), or build the encoder for "
            f"the view's shape."
        )


def _integer(dtype):
    dtype = keras.backend.standardize_dtype(dtype)
    return "int" in dtype or dtype == "bool"


def make_view(augmentation, images, seed, expected_shape=None):
    """Apply one augmentation to a batch, as the methods do in their step.

    Args:
        augmentation: a `keras.layers.Layer` (called with `training=True`;
            e.g. a `keras.Sequential` of Keras augmentation layers, which use
            their own seeds) or a callable `fn(images)`. Either gets
            `seed=seed` too if its call signature has a `seed` parameter.
        images: float32 tensor `(N, H, W, C)`, pixels 0-255 (or integer token
            ids `(N, L)` for text methods).
        seed: `keras.random.SeedGenerator` (the model's).
        expected_shape: None, or a tuple `(H, W, C)` (entries may be None,
            matching any size): the shape the view must have, for views of
            another size than the input (multi-crop). None: the view must
            have the shape of `images`.

    Returns:
        The view, a float32 tensor (integer views of integer inputs, such as
        token ids through `IdentityView`, keep their dtype).

    Example:
    ```python
    seed = keras.random.SeedGenerator(0)
    local = keras_ssl.augment.RandomResizedCrop((0.05, 0.4), output_size=(96, 96))
    view = make_view(local, images, seed, expected_shape=(96, 96, 3))
    ```
    """
    kwargs = {"seed": seed} if _takes_seed(augmentation) else {}
    if isinstance(augmentation, layers.Layer):
        kwargs["training"] = True
    view = augmentation(images, **kwargs)
    _check_shape(view, images, expected_shape)
    if _integer(view.dtype) and _integer(getattr(images, "dtype", "float32")):
        return view
    return ops.cast(view, "float32")
