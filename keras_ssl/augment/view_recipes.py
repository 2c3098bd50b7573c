"""The published view recipes, and a registry of them by name.

`simclr_views`, `byol_views` and `digit_views` return the augmentations of
the papers (and a variant for small grayscale digits). The registry maps a
name to a function `fn(image_shape) -> augmentation or tuple of
augmentations`; a method given no `augmentation` asks it for its default
with `view_recipe(method_name, image_shape)`. Registered: `"simclr"`,
`"byol"`, `"digits"`, `"clothing"` and `"identity"`.

Example:
```python
@keras_ssl.augment.register_view_recipe("mild")
def mild_views(image_shape):
    return keras_ssl.augment.ViewAugmentation(crop_scale=(0.5, 1.0))

augmentation = keras_ssl.augment.view_recipe("mild", (32, 32, 3))
```
"""

from keras_ssl.augment.checks import check_strength
from keras_ssl.augment.identity_view import IdentityView
from keras_ssl.augment.rotated_views import RotatedViews
from keras_ssl.augment.view_augmentation import ViewAugmentation

# --- Recipes -----------------------------------------------------------------


def simclr_views(strength=1.0, blur=True, seed=None):
    """SimCLR's augmentation (Chen et al. 2020, Appendix A), one for both views.

    Random resized crop (area 0.08-1), flip, colour jitter with probability
    0.8 at strength `s` (brightness, contrast, saturation 0.8s, hue 0.2s),
    grayscale with probability 0.2, and Gaussian blur (sigma 0.1-2.0,
    kernel 10% of the side) with probability 0.5. For CIFAR-10 the paper
    uses `strength=0.5` and no blur.

    Args:
        strength: float in [0, 1.25]. The colour distortion strength `s`.
        blur: bool. Include the Gaussian blur.
        seed: int or None. The layer's own seed (the models pass theirs).

    Returns:
        A `ViewAugmentation`.
    """
    strength = check_strength("strength", strength, high=1.25)
    return ViewAugmentation(
        brightness=0.8 * strength,
        contrast=0.8 * strength,
        saturation=0.8 * strength,
        hue=0.2 * strength,
        blur_probability=0.5 if blur else 0.0,
        seed=seed,
        name="simclr_views",
    )


def byol_views(seed=None):
    """BYOL's two asymmetric augmentations (Grill et al. 2020, Table 6).

    Both: random resized crop (area 0.08-1), flip, colour jitter with
    probability 0.8 (brightness 0.4, contrast 0.4, saturation 0.2, hue 0.1),
    grayscale with probability 0.2. Blur: probability 1.0 for the first
    view, 0.1 for the second; solarization: 0.0 and 0.2.

    Args:
        seed: int or None. The layers' own seed (the models pass theirs).

    Returns:
        A pair of `ViewAugmentation`s.
    """
    common = dict(
        brightness=0.4,
        contrast=0.4,
        saturation=0.2,
        hue=0.1,
        grayscale_probability=0.2,
        seed=seed,
    )
    return (
        ViewAugmentation(
            blur_probability=1.0, solarize_probability=0.0,
            name="byol_views_1", **common,
        ),
        ViewAugmentation(
            blur_probability=0.1, solarize_probability=0.2,
            name="byol_views_2", **common,
        ),
    )


def digit_views(seed=None, rotation=0.0):
    """Views for small grayscale digits (MNIST-like, 28x28x1).

    No flip (a mirrored digit is another symbol, or none), a milder crop
    (area 0.4-1: a crop of 8% of a 28-pixel digit keeps too little of it),
    brightness and contrast jitter 0.4 with probability 0.8, and a light
    3x3 blur (sigma 0.1-1.0) with probability 0.5. Colour steps do not apply
    to one channel. `rotation=15` first turns each digit by a random angle
    of up to 15 degrees either way (`RotatedViews`).

    Args:
        seed: int or None. The layer's own seed (the models pass theirs).
        rotation: float. The largest random rotation in degrees, or 0 for
            none (the default).

    Returns:
        A `ViewAugmentation`, or a `RotatedViews` around one when
        `rotation` > 0.
    """
    views = _small_grayscale_views((0.4, 1.0), False, seed, "digit_views")
    if rotation == 0:
        return views
    return RotatedViews(views, degrees=rotation, seed=seed, name="rotated_digit_views")


def clothing_views(seed=None):
    """Views for small grayscale photos of objects (Fashion-MNIST, 28x28x1).

    `digit_views` with a horizontal flip (a mirrored shirt is still a
    shirt) and crops of 30-100% of the area: brightness and contrast jitter
    0.4 with probability 0.8, a light 3x3 blur (sigma 0.1-1.0) with
    probability 0.5, no colour steps (one channel).

    Args:
        seed: int or None. The layer's own seed (the models pass theirs).

    Returns:
        A `ViewAugmentation`.
    """
    return _small_grayscale_views((0.3, 1.0), True, seed, "clothing_views")


def _small_grayscale_views(crop_scale, horizontal_flip, seed, name):
    return ViewAugmentation(
        crop_scale=crop_scale,
        horizontal_flip=horizontal_flip,
        jitter_probability=0.8,
        brightness=0.4,
        contrast=0.4,
        saturation=0.0,
        hue=0.0,
        grayscale_probability=0.0,
        blur_probability=0.5,
        blur_sigma=(0.1, 1.0),
        blur_kernel_size=3,
        seed=seed,
        name=name,
    )


# --- The registry ------------------------------------------------------------

_RECIPES = {}


def register_view_recipe(name, override=False):
    """Decorator: register `fn(image_shape)` as the view recipe `name`.

    The function gets the image shape `(H, W, C)` (a text method passes its
    input shape) and returns one augmentation (a layer or callable, used for
    both views) or a tuple of augmentations (one per view).

    Args:
        name: str. The name methods and users ask `view_recipe` for.
        override: bool. Replace a recipe already registered under `name`.

    Returns:
        The decorator; it returns the function unchanged.

    Example:
    ```python
    @keras_ssl.augment.register_view_recipe("mild")
    def mild_views(image_shape):
        return keras_ssl.augment.ViewAugmentation(crop_scale=(0.5, 1.0))
    ```
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"A view recipe's name must be a non-empty str; got {name!r}.")
    if name in _RECIPES and not override:
        raise ValueError(
            f"A view recipe named {name!r} is already registered. Pass "
            f"override=True to replace it, or choose another name."
        )

    def decorator(fn):
        if not callable(fn):
            raise ValueError(
                f"register_view_recipe({name!r}) decorates a function "
                f"fn(image_shape); got {type(fn).__name__}."
            )
        _RECIPES[name] = fn
        return fn

    return decorator


def unregister_view_recipe(name):
    """Remove the view recipe `name` (a ValueError if there is none)."""
    if name not in _RECIPES:
        raise ValueError(
            f"No view recipe named {name!r} to unregister; known recipes: "
            f"{list_view_recipes()}."
        )
    del _RECIPES[name]


def list_view_recipes():
    """The names of the registered view recipes, sorted."""
    return sorted(_RECIPES)


def view_recipe(name, image_shape):
    """The augmentation(s) of the view recipe `name` for `image_shape`.

    Args:
        name: str. A registered recipe, see `list_view_recipes()`.
        image_shape: tuple. The encoder's input shape without the batch,
            `(H, W, C)` for images.

    Returns:
        One augmentation (for both views) or a tuple (one per view).
    """
    if name not in _RECIPES:
        raise ValueError(
            f"Unknown view recipe {name!r}; known recipes: "
            f"{list_view_recipes()}. Register one with "
            f"keras_ssl.augment.register_view_recipe({name!r}), or pass the "
            f"augmentation directly, e.g. "
            f"augmentation=keras_ssl.augment.simclr_views()."
        )
    augmentation = _RECIPES[name](tuple(image_shape))
    if isinstance(augmentation, list):
        augmentation = tuple(augmentation)
    views = augmentation if isinstance(augmentation, tuple) else (augmentation,)
    if not views or not all(callable(view) for view in views):
        raise ValueError(
            f"The view recipe {name!r} must return a layer or callable, or a "
            f"tuple of them; got {augmentation!r}."
        )
    return augmentation


def default_views(method, image_shape):
    """The augmentation a method uses when given none: `view_recipe(method, ...)`.

    1-channel images get `digit_views()` for both views. Colour images get
    the method's published recipe (`simclr_views()` / `byol_views()`); for
    SimCLR on images under 64 pixels, the paper's CIFAR-10 variant
    (strength 0.5, no blur). An unknown name raises a ValueError.

    Args:
        method: str. A registered recipe, e.g. `"simclr"` or `"byol"`.
        image_shape: tuple `(H, W, C)`.

    Returns:
        A `ViewAugmentation`, or a pair for two different views.
    """
    return view_recipe(method, image_shape)


def _image_shape(recipe, image_shape):
    if len(image_shape) != 3:
        raise ValueError(
            f"The {recipe!r} view recipe is for images (H, W, C); got the "
            f"input shape {image_shape}. Pass an augmentation for this input "
            f"directly (augmentation=...), or use the 'identity' recipe."
        )
    return image_shape


@register_view_recipe("simclr")
def _simclr_recipe(image_shape):
    height, width, channels = _image_shape("simclr", image_shape)
    if channels == 1:
        return digit_views()
    small = min(height or 224, width or 224) < 64
    return simclr_views(strength=0.5, blur=False) if small else simclr_views()


@register_view_recipe("byol")
def _byol_recipe(image_shape):
    _, _, channels = _image_shape("byol", image_shape)
    return digit_views() if channels == 1 else byol_views()


@register_view_recipe("digits")
def _digits_recipe(image_shape):
    return digit_views()


@register_view_recipe("clothing")
def _clothing_recipe(image_shape):
    return clothing_views()


@register_view_recipe("identity")
def _identity_recipe(image_shape):
    return IdentityView(name="identity_view")
