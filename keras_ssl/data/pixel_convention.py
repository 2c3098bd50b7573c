"""keras_ssl's pixel convention: images are 0-255, as in Keras.

Keras's image tools (`keras.applications`, `image_dataset_from_directory`,
`keras.utils.load_img`) hand out pixels in 0-255, uint8 or float32; a network
that wants another scale carries the scaling inside it. keras_ssl does the
same: every method, evaluation function and callback takes 0-255 pixels, and
the encoders keras_ssl builds start with `Rescaling(1 / 255)`.

Before keras_ssl 0.2 float images had to be in [0, 1]. Such input is not
rescaled silently: float images whose largest value is in (0, 1] are
refused with an error that says how to pass them, and encoders saved before
0.2 gain their Rescaling layer when loaded, with a `PixelConventionWarning`.
"""

#: The value range of pixels everywhere in keras_ssl.
PIXEL_RANGE = (0.0, 255.0)

# Round-off from resizing or augmentation tolerated beyond PIXEL_RANGE.
_SLACK = 1e-3


class PixelConventionWarning(UserWarning):
    """A model or input follows the pre-0.2 [0, 1] pixel convention.

    A `UserWarning` (shown by default, unlike `DeprecationWarning`), so it is
    seen when raised inside `fit` or `load_model`.

    Example:
    ```python
    import warnings
    warnings.simplefilter("error", keras_ssl.PixelConventionWarning)
    ```
    """


def pixel_range_problem(low, high):
    """Why float pixels spanning `[low, high]` are refused, or None.

    Args:
        low: float. The smallest pixel value.
        high: float. The largest pixel value.

    Returns:
        An error message naming the problem and the fix, or None when the
        values are valid 0-255 pixels (all zeros included).

    Example:
    >>> pixel_range_problem(0.0, 200.0) is None
    True
    """
    if low < PIXEL_RANGE[0] - _SLACK or high > PIXEL_RANGE[1] + _SLACK:
        return (
            f"Float images must hold pixel values in 0-255 (Keras's "
            f"convention); these range over [{low:g}, {high:g}]. Undo any "
            f"normalization (keras_ssl encoders scale pixels themselves), or "
            f"pass uint8 images."
        )
    if 0.0 < high <= 1.0 + _SLACK:
        return (
            f"Float images range over [{low:g}, {high:g}]: they look scaled "
            f"to [0, 1]. keras_ssl takes pixels in 0-255, as Keras does "
            f"(image_dataset_from_directory, keras.applications); encoders "
            f"scale them inside. Pass the images unscaled (e.g. x * 255, or "
            f"the uint8 array before dividing)."
        )
    return None
