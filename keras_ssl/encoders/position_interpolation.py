"""A ViT's learned position embeddings resized to another patch grid."""

from keras import ops

#: What `keras.ops.image.resize` gives alike on TensorFlow and JAX. Bicubic
#: (DINO's choice) differs between them at the grid's border.
INTERPOLATIONS = ("bilinear", "bicubic")


def _grid(name, grid):
    try:
        grid = tuple(int(size) for size in grid)
    except (TypeError, ValueError):
        grid = ()
    if len(grid) != 2 or min(grid) < 1:
        raise ValueError(f"{name} must be (rows, cols) of positive ints; got {grid!r}.")
    return grid


def interpolate_position_embeddings(
    embeddings, source_grid, target_grid, num_prefix_tokens=1,
    interpolation="bilinear",
):
    """Position embeddings of a `source_grid` ViT, resized to `target_grid`.

    DINO's `interpolate_pos_encoding` (Caron et al. 2021,
    https://arxiv.org/abs/2104.14294, and its code): the embeddings of the
    prefix tokens (the class token) are kept as they are; those of the
    patches, a `(rows, cols)` grid in row-major order, are resized over the
    grid as an image with `D` channels. This is how a ViT takes images of
    another size than it was built for (e.g. multi-crop's local crops) with
    the same weights. On `source_grid` itself the embeddings come back
    unchanged (the same tensor). Resizing uses `keras.ops` (TensorFlow,
    JAX), half-pixel centres, no antialiasing; gradients flow back to
    `embeddings`. Bilinear by default: it agrees across backends (bicubic
    does not at the border, and DINO's PyTorch bicubic is a third variant).

    Args:
        embeddings: `(T, D)` or `(1, T, D)` tensor, T = `num_prefix_tokens`
            + rows * cols.
        source_grid: tuple `(rows, cols)`. The grid `embeddings` are for.
        target_grid: tuple `(rows', cols')`. The grid wanted.
        num_prefix_tokens: int >= 0. Leading tokens without a grid position
            (1: the class token; 0: none).
        interpolation: `"bilinear"` or `"bicubic"`.

    Returns:
        `(num_prefix_tokens + rows' * cols', D)` (or with the leading 1).

    Example:
    ```python
    table = np.random.rand(1 + 4 * 4, 16).astype("float32")  # cls + 4x4
    interpolate_position_embeddings(table, (4, 4), (2, 2)).shape  # (5, 16)
    ```
    """
    source_grid = _grid("source_grid", source_grid)
    target_grid = _grid("target_grid", target_grid)
    if interpolation not in INTERPOLATIONS:
        raise ValueError(
            f"interpolation must be one of {INTERPOLATIONS}; got {interpolation!r}."
        )
    if int(num_prefix_tokens) != num_prefix_tokens or num_prefix_tokens < 0:
        raise ValueError(f"num_prefix_tokens must be an int >= 0; got {num_prefix_tokens!r}.")
    rank = len(embeddings.shape)
    tokens, dim = embeddings.shape[-2], embeddings.shape[-1]
    if rank not in (2, 3) or (rank == 3 and embeddings.shape[0] != 1) or (
        tokens != num_prefix_tokens + source_grid[0] * source_grid[1]
    ):
        raise ValueError(
            f"embeddings must be (T, D) or (1, T, D) with T = "
            f"num_prefix_tokens ({num_prefix_tokens}) + rows * cols of "
            f"source_grid {source_grid}; got shape {tuple(embeddings.shape)}."
        )
    if source_grid == target_grid:
        return embeddings
    table = ops.reshape(embeddings, (tokens, dim))
    prefix = table[:num_prefix_tokens]
    grid = ops.reshape(table[num_prefix_tokens:], (1,) + source_grid + (dim,))
    resized = ops.image.resize(
        ops.cast(grid, "float32"), target_grid, interpolation=interpolation,
        antialias=False, data_format="channels_last",
    )
    patches = ops.cast(ops.reshape(resized, (-1, dim)), table.dtype)
    table = ops.concatenate([prefix, patches], axis=0)
    return table if rank == 2 else table[None]
