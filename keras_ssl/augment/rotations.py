"""Rotations by multiples of 90 degrees, for RotNet (Gidaris et al. 2018)."""

from keras import ops


def rotate_90(images, k):
    """Rotate a batch of square images by `k * 90` degrees counter-clockwise.

    Args:
        images: tensor `(N, H, W, C)` with H == W.
        k: Python int; the number of quarter turns.

    Returns:
        Tensor of the same shape, like `np.rot90(images, k, axes=(1, 2))`.
    """
    k = k % 4
    if k == 0:
        return images
    if k == 2:
        return ops.flip(ops.flip(images, axis=1), axis=2)
    swapped = ops.transpose(images, (0, 2, 1, 3))
    # A quarter turn counter-clockwise is a transpose then an up-down flip.
    return ops.flip(swapped, axis=1 if k == 1 else 2)


def rotation_batch(images):
    """All four rotations of each image, with the rotation as the label.

    Args:
        images: tensor `(N, H, W, C)` with H == W.

    Returns:
        `(rotated, labels)`: `(4N, H, W, C)` images, rotation-major (all
        images at 0 degrees, then 90, 180, 270), and int32 labels `(4N,)`
        in {0, 1, 2, 3}.
    """
    if images.shape[1] != images.shape[2]:
        raise ValueError(
            f"Rotation prediction needs square images so that rotated images "
            f"keep their shape; got {images.shape[1]}x{images.shape[2]}. "
            f"Crop or resize them to a square."
        )
    rotated = ops.concatenate([rotate_90(images, k) for k in range(4)], axis=0)
    batch = ops.shape(images)[0]
    labels = ops.repeat(ops.arange(4, dtype="int32"), batch)
    return rotated, labels
