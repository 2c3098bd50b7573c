"""Multi-crop views (Caron et al. 2020, 2021): 2 global + N smaller local crops."""

from keras_ssl.augment.view_augmentation import ViewAugmentation

#: Global crops per image; both go through DINO's teacher (Sec. 3.1).
GLOBAL_CROPS = 2

#: DINO's crop sizes on ImageNet: global 224, local 96 pixels.
_LOCAL_TO_GLOBAL = 96.0 / 224.0


def _size_pair(name, size):
    if isinstance(size, int):
        size = (size, size)
    try:
        pair = tuple(int(s) for s in size)
    except (TypeError, ValueError):
        pair = ()
    if len(pair) != 2 or min(pair) < 1:
        raise ValueError(
            f"{name} must be an int or a pair (height, width) of positive "
            f"ints; got {size!r}."
        )
    return pair


def multi_crop_sizes(image_shape, global_size=None, local_size=None):
    """The (height, width) of the global and the local crops.

    Args:
        image_shape: tuple `(H, W, C)` of the input images.
        global_size: None (the image size) or an int / pair.
        local_size: None (DINO's 96/224 of the global size, at least 4
            pixels) or an int / pair.

    Returns:
        `(global_size, local_size)`, two `(height, width)` pairs.
    """
    height, width = image_shape[0], image_shape[1]
    if global_size is None:
        if height is None or width is None:
            raise ValueError(
                f"Images of unknown size {tuple(image_shape)}: pass "
                f"global_size= and local_size= for the crops."
            )
        global_size = (height, width)
    global_size = _size_pair("global_size", global_size)
    if local_size is None:
        local_size = tuple(max(4, round(s * _LOCAL_TO_GLOBAL)) for s in global_size)
    local_size = _size_pair("local_size", local_size)
    if local_size[0] > global_size[0] or local_size[1] > global_size[1]:
        raise ValueError(
            f"local crops ({local_size}) must not be larger than the global "
            f"crops ({global_size}): multi-crop's local views are small "
            f"crops. Pass a smaller local_size= or a larger global_size=."
        )
    return global_size, local_size


def multi_crop_views(
    image_shape,
    local_crops=6,
    global_size=None,
    local_size=None,
    global_scale=(0.4, 1.0),
    local_scale=(0.05, 0.4),
    seed=None,
    horizontal_flip=None,
):
    """DINO's augmentations: two global crops, then `local_crops` local ones.

    Global crops cover `global_scale` of the image's area, resized to
    `global_size`; local crops cover `local_scale`, resized to the smaller
    `local_size` (DINO, Sec. 3.1 and its code: 224 and 96 pixels, scales
    (0.4, 1) and (0.05, 0.4)). Colour images get BYOL's photometric steps as
    in DINO (flip, colour jitter with probability 0.8, grayscale 0.2; blur
    with probability 1.0 on the first global crop, 0.1 and solarization 0.2
    on the second, 0.5 on the local crops). 1-channel images get the steps
    of `digit_views()` (no flip; brightness and contrast; a light blur);
    `horizontal_flip=True` adds the flip of `clothing_views()` for photos of
    objects such as Fashion-MNIST's.

    Reference: https://arxiv.org/abs/2104.14294 (Sec. 3.1, Appendix),
    https://arxiv.org/abs/2006.09882 (multi-crop)

    Args:
        image_shape: tuple `(H, W, C)` of the input images.
        local_crops: int >= 0. Number of local crops.
        global_size: None (the image size) or an int / `(height, width)`.
        local_size: None (96/224 of the global size) or an int / pair; not
            larger than the global size.
        global_scale: tuple of 2 floats. Area range of the global crops.
        local_scale: tuple of 2 floats. Area range of the local crops.
        seed: int or None. The layers' own seed (the models pass theirs).
        horizontal_flip: None (flip colour images, not 1-channel ones: a
            mirrored digit is another symbol) or a bool for every crop.

    Returns:
        A tuple of `2 + local_crops` `ViewAugmentation`s, global first.

    Example:
    ```python
    views = keras_ssl.augment.multi_crop_views((28, 28, 1), local_crops=4)
    [v.compute_output_shape((None, 28, 28, 1)) for v in views]  # 28s, then 12s
    ```
    """
    if int(local_crops) != local_crops or local_crops < 0:
        raise ValueError(f"local_crops must be an int >= 0; got {local_crops!r}.")
    global_size, local_size = multi_crop_sizes(image_shape, global_size, local_size)
    if image_shape[-1] == 1:
        common = dict(
            horizontal_flip=False, brightness=0.4, contrast=0.4, saturation=0.0,
            hue=0.0, grayscale_probability=0.0, blur_sigma=(0.1, 1.0),
            blur_kernel_size=3,
        )
        blurs = (0.5, 0.5, 0.5)
        solarize = 0.0
    else:
        common = dict(brightness=0.4, contrast=0.4, saturation=0.2, hue=0.1)
        blurs = (1.0, 0.1, 0.5)
        solarize = 0.2
    common.update(jitter_probability=0.8, seed=seed)
    if horizontal_flip is not None:
        common["horizontal_flip"] = bool(horizontal_flip)
    views = [
        ViewAugmentation(
            crop_scale=global_scale, crop_size=global_size,
            blur_probability=blurs[0], name="global_crop_1", **common,
        ),
        ViewAugmentation(
            crop_scale=global_scale, crop_size=global_size,
            blur_probability=blurs[1], solarize_probability=solarize,
            name="global_crop_2", **common,
        ),
    ]
    for index in range(int(local_crops)):
        views.append(
            ViewAugmentation(
                crop_scale=local_scale, crop_size=local_size,
                blur_probability=blurs[2], name=f"local_crop_{index + 1}",
                **common,
            )
        )
    return tuple(views)


def multi_crop_augmentation(
    augmentation, image_shape, local_crops, default_local_crops, global_size,
    local_size, global_scale, local_scale, method,
):
    """The crops a multi-crop method (DINO, SwAV) trains on: `augmentation`
    checked, or when None `multi_crop_views` with the method's defaults
    (`default_local_crops` local crops unless `local_crops` says)."""
    if augmentation is None:
        augmentation = multi_crop_views(
            image_shape, default_local_crops if local_crops is None else local_crops,
            global_size, local_size, global_scale, local_scale,
        )
    check_multi_crop_augmentation(augmentation, local_crops, method)
    return augmentation


def check_multi_crop_augmentation(augmentation, local_crops, method="DINO"):
    """A multi-crop `augmentation` is a tuple of one view per crop (the 2
    global crops first), as many as `local_crops` asks for (None: any)."""
    if not isinstance(augmentation, (tuple, list)):
        raise ValueError(
            f"{method}'s augmentation is a tuple with one layer/callable per "
            "crop (2 global crops, then the local ones), e.g. "
            "keras_ssl.augment.multi_crop_views(image_shape, local_crops=6)."
        )
    if local_crops is not None and len(augmentation) != GLOBAL_CROPS + local_crops:
        raise ValueError(
            f"augmentation has {len(augmentation)} views but local_crops="
            f"{local_crops} asks for {GLOBAL_CROPS + local_crops} (2 global "
            f"+ local_crops). Pass local_crops=None to take the count from "
            f"augmentation."
        )


def check_local_not_larger(shapes):
    """Local crops (after the first 2) may not exceed the global crops."""
    known = [s for s in shapes[:GLOBAL_CROPS] if s is not None and None not in s[:2]]
    if not known:
        return
    height, width = min(s[0] for s in known), min(s[1] for s in known)
    for index, shape in enumerate(shapes[GLOBAL_CROPS:]):
        if shape is None or None in shape[:2]:
            continue
        if shape[0] > height or shape[1] > width:
            raise ValueError(
                f"local crop {index + 1} is {shape[:2]}, larger than the global "
                f"crops ({height}, {width}): DINO's local crops are the small "
                f"ones. Pass a smaller local_size= (or reorder augmentation: 2 "
                f"global crops first)."
            )
