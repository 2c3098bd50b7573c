"""Patches of images and MAE's per-example random patch masking."""

from keras import ops

from keras_ssl.backend.cross_replica import uniform_over_global_batch

__all__ = ["patchify", "random_patch_masking", "unpatchify"]


def patchify(images, patch_size):
    """`(N, H, W, C)` images -> `(N, P, p * p * C)` flattened patches.

    Patches in row-major grid order (the order of `ViT.patch_tokens`),
    each flattened row by row, channels last.

    Args:
        images: tensor `(N, H, W, C)`; `patch_size` must divide H and W.
        patch_size: int.
    """
    _, height, width, channels = ops.shape(images)
    rows, cols = height // patch_size, width // patch_size
    x = ops.reshape(images, (-1, rows, patch_size, cols, patch_size, channels))
    x = ops.transpose(x, (0, 1, 3, 2, 4, 5))
    return ops.reshape(x, (-1, rows * cols, patch_size * patch_size * channels))


def unpatchify(patches, grid_size, patch_size, channels):
    """Inverse of `patchify`: `(N, P, p * p * C)` -> `(N, H, W, C)`.

    Args:
        patches: tensor `(N, rows * cols, p * p * C)`.
        grid_size: tuple `(rows, cols)`.
        patch_size: int.
        channels: int.
    """
    rows, cols = grid_size
    x = ops.reshape(patches, (-1, rows, cols, patch_size, patch_size, channels))
    x = ops.transpose(x, (0, 1, 3, 2, 4, 5))
    return ops.reshape(x, (-1, rows * patch_size, cols * patch_size, channels))


def random_patch_masking(batch_size, num_patches, num_masked, seed):
    """MAE's random masking: an independent random shuffle per example.

    Each example's patches are ordered by uniform noise drawn from `seed`
    (He et al. 2022, https://arxiv.org/abs/2111.06377, Sec. 3 "Masking");
    the first `num_patches - num_masked` are kept visible. Under TF
    replicas the noise is the global batch's, so each example gets the mask
    it would get on one device.

    Args:
        batch_size: int or scalar tensor. N.
        num_patches: int. P.
        num_masked: int. Patches masked per example, in [1, P - 1].
        seed: `keras.random.SeedGenerator` (the model's) or int.

    Returns:
        `(keep, restore, mask)`: `keep` `(N, P - num_masked)` int indices of
        the visible patches; `restore` `(N, P)`, the positions that put the
        shuffled sequence `[visible, masked]` back in grid order; `mask`
        `(N, P)` float32, 1 on the masked patches.
    """
    if not 0 < num_masked < num_patches:
        raise ValueError(
            f"num_masked must be in [1, {num_patches - 1}] for {num_patches} "
            f"patches; got {num_masked}."
        )
    noise = uniform_over_global_batch((batch_size, num_patches), seed)
    order = ops.argsort(noise, axis=1)
    restore = ops.argsort(order, axis=1)
    num_visible = num_patches - num_masked
    shuffled_mask = ops.concatenate(
        [ops.zeros((batch_size, num_visible)), ops.ones((batch_size, num_masked))],
        axis=1,
    )
    mask = ops.take_along_axis(shuffled_mask, restore, axis=1)
    return order[:, :num_visible], restore, mask
