"""The Rescaling layer that starts every keras_ssl image encoder.

keras_ssl's encoders take pixels in 0-255 (see
`keras_ssl.data.pixel_convention`) and scale them to [0, 1] as their first
layer, as `keras.applications` models with `include_preprocessing=True` do.
Configs saved before keras_ssl 0.2 have no `include_rescaling` entry: those
encoders took [0, 1] pixels, and they gain the layer when loaded.
"""

import warnings

from keras import layers

from keras_ssl.data.pixel_convention import PixelConventionWarning

#: The scale from 0-255 pixels to the [0, 1] the weights were trained on.
PIXEL_SCALE = 1.0 / 255.0


def rescale_pixels(inputs, include_rescaling):
    """`Rescaling(1 / 255)(inputs)` if `include_rescaling`, else `inputs`."""
    if not include_rescaling:
        return inputs
    return layers.Rescaling(PIXEL_SCALE, name="rescaling")(inputs)


def upgrade_legacy_config(config, class_name):
    """Add `include_rescaling=True` to a config saved before keras_ssl 0.2.

    Args:
        config: dict. The encoder's config, as read from a file.
        class_name: str. The encoder's class, for the warning.

    Returns:
        The config, with `include_rescaling` set.
    """
    config = dict(config)
    if "include_rescaling" not in config:
        warnings.warn(
            f"This {class_name} ({config.get('name')!r}) was saved by "
            f"keras_ssl < 0.2, whose encoders took pixels in [0, 1]. It now "
            f"starts with Rescaling(1/255) and takes pixels in 0-255 (uint8 "
            f"or float), as Keras models do: pass images unscaled. Its "
            f"weights and features are unchanged. Save it again to silence "
            f"this warning.",
            PixelConventionWarning,
            stacklevel=3,
        )
        config["include_rescaling"] = True
    return config
