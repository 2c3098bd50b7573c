"""The `augmentation=` argument of two-view methods: check, build, serialize."""

import keras

from keras_ssl.augment.views import default_views


def view_pair(augmentation, method, image_shape):
    """The augmentations of the first and second view.

    Args:
        augmentation: None (the method's default, see
            `keras_ssl.augment.default_views`), one layer or callable used
            for both views, or a pair `(first, second)`.
        method: `"simclr"` or `"byol"`, for the default.
        image_shape: tuple `(H, W, C)`; layers are built for it.

    Returns:
        `(augmentation, first, second)`: the argument with None replaced by
        the default, and the augmentation of each view.
    """
    if augmentation is None:
        augmentation = default_views(method, image_shape)
    if isinstance(augmentation, list):
        augmentation = tuple(augmentation)
    if isinstance(augmentation, tuple):
        if len(augmentation) != 2:
            raise ValueError(
                f"augmentation must be one layer/callable for both views or "
                f"a pair (first, second); got a sequence of "
                f"{len(augmentation)}."
            )
        first, second = augmentation
    else:
        first = second = augmentation
    for view in (first, second):
        if not callable(view):
            raise ValueError(
                f"augmentation must be a keras layer or a callable taking a "
                f"batch of images; got {type(view).__name__}. Use e.g. "
                f"keras_ssl.augment.simclr_views()."
            )
        if isinstance(view, keras.layers.Layer) and not view.built:
            view.build((None,) + tuple(image_shape))
    return augmentation, first, second


def serialize_augmentation(augmentation):
    """Config of a layer or callable, or a list of two."""
    if isinstance(augmentation, tuple):
        return [keras.saving.serialize_keras_object(a) for a in augmentation]
    return keras.saving.serialize_keras_object(augmentation)


def deserialize_augmentation(config):
    """Inverse of `serialize_augmentation`."""
    if isinstance(config, list):
        return tuple(keras.saving.deserialize_keras_object(c) for c in config)
    return keras.saving.deserialize_keras_object(config)
