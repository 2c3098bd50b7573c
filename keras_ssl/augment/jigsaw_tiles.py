"""3x3 jigsaw puzzles cut from images inside the training step."""

from keras import ops

from keras_ssl.backend.cross_replica import uniform_over_global_batch

__all__ = ["cut_jigsaw_tiles", "jigsaw_geometry", "random_jigsaw_puzzles"]

GRID = 3
NUM_TILES = GRID * GRID

# The paper cuts a 225x225 crop into 75x75 cells and takes a random 64x64
# tile inside each: tiles are 64/75 of a cell, the rest is gap
# and jitter. The default tile size keeps that ratio, rounded down.
PAPER_TILE = 64
PAPER_CELL = 75


def jigsaw_geometry(height, width, tile_size=None):
    """Cell and tile sizes of a 3x3 puzzle on `height x width` images.

    Cells are `(height // 3, width // 3)`; a grid of `3 * cell` pixels is
    placed at a random origin, leftover rows and columns falling outside.
    Tiles are square, `tile_size` or the paper's 64/75 of the smaller cell
    side, rounded down: 28x28 images give 9x9 cells and 7x7 tiles.

    Args:
        height: int. Image height.
        width: int. Image width.
        tile_size: int or None. Tile side, at most the smaller cell side
            (equal: no gap and no jitter).

    Returns:
        `((cell_height, cell_width), tile_size)`.
    """
    if height is None or width is None:
        raise ValueError(
            "Jigsaw needs the image size to place its 3x3 grid; build the encoder "
            "with a fixed input_shape=(H, W, C)."
        )
    if min(height, width) < 3 * GRID:
        raise ValueError(
            f"Images of {height}x{width} are too small for 3x3 jigsaw tiles: each "
            f"cell needs at least 3 pixels a side (images of 9x9 or more). "
            f"Resize the images up, e.g. to 28x28."
        )
    cell = (height // GRID, width // GRID)
    largest = min(cell)
    if tile_size is None:
        return cell, largest * PAPER_TILE // PAPER_CELL
    if isinstance(tile_size, bool) or not isinstance(tile_size, int) or not (
        1 <= tile_size <= largest
    ):
        raise ValueError(
            f"tile_size must be an int in [1, {largest}] (the cell size of "
            f"{height}x{width} images); got {tile_size!r}. Leave it None for the "
            f"paper's ratio ({largest * PAPER_TILE // PAPER_CELL})."
        )
    return cell, tile_size


def cut_jigsaw_tiles(images, cells, origins, offsets, cell_size, tile_size):
    """Cut one tile per puzzle slot, at given places.

    Slot `j` of puzzle `n` shows grid cell `cells[n, j]` (row-major: cell
    `k` is row `k // 3`, column `k % 3`); its tile starts at
    `origins[n] + (k // 3, k % 3) * cell_size + offsets[n, j]` and spans
    `tile_size` pixels each way.

    Args:
        images: tensor `(N, H, W, C)`.
        cells: int tensor `(N, 9)`: the cell shown in each slot.
        origins: int tensor `(N, 2)`: top-left `(row, col)` of the grid.
        offsets: int tensor `(N, 9, 2)`: each slot's tile offset in its cell.
        cell_size: tuple `(cell_height, cell_width)` of int.
        tile_size: int.

    Returns:
        Tensor `(N, 9, tile_size, tile_size, C)`.
    """
    batch = ops.shape(images)[0]
    height, width, channels = images.shape[1:]
    cells = ops.cast(cells, "int32")
    grid = ops.stack([cells // GRID, cells % GRID], axis=-1)  # (N, 9, 2)
    cell = ops.convert_to_tensor(cell_size, dtype="int32")
    starts = (
        ops.cast(origins, "int32")[:, None, :]
        + grid * cell
        + ops.cast(offsets, "int32")
    )
    steps = ops.arange(tile_size, dtype="int32")
    rows = starts[:, :, 0, None] + steps  # (N, 9, t)
    cols = starts[:, :, 1, None] + steps
    # One gather over the batch's flattened pixels: n * H * W + row * W + col.
    first = ops.arange(batch, dtype="int32")[:, None, None, None] * (height * width)
    index = first + rows[:, :, :, None] * width + cols[:, :, None, :]
    pixels = ops.reshape(images, (-1, channels))
    return ops.take(pixels, index, axis=0)


def random_jigsaw_puzzles(images, permutations, cell_size, tile_size, seed):
    """Shuffled 3x3 puzzles with a random gap and jitter, and their labels.

    Per image, drawn from `seed`: a permutation index `label`, the grid's
    origin (uniform over the positions where the `3 * cell` grid fits) and
    each tile's offset inside its cell (uniform in `[0, cell - tile]` each
    way). Slot `j` shows cell `permutations[label, j]`.

    Args:
        images: tensor `(N, H, W, C)`.
        permutations: int array `(P, 9)` (`maximal_hamming_permutations`).
        cell_size: tuple `(cell_height, cell_width)` (`jigsaw_geometry`).
        tile_size: int.
        seed: `keras.random.SeedGenerator` (the model's) or int.

    Returns:
        `(tiles, labels)`: `(N, 9, tile_size, tile_size, C)` and int32
        `(N,)` in `[0, P)`.
    """
    batch = ops.shape(images)[0]
    height, width = images.shape[1:3]
    cell_h, cell_w = cell_size
    # One uniform draw per choice, scaled to each choice's number of values.
    ranges = [len(permutations), height - GRID * cell_h + 1, width - GRID * cell_w + 1]
    ranges += [cell_h - tile_size + 1, cell_w - tile_size + 1] * NUM_TILES
    noise = uniform_over_global_batch((batch, len(ranges)), seed)
    limits = ops.convert_to_tensor(ranges, dtype="float32")
    draws = ops.cast(ops.minimum(ops.floor(noise * limits), limits - 1.0), "int32")
    labels = draws[:, 0]
    cells = ops.take(ops.convert_to_tensor(permutations, dtype="int32"), labels, axis=0)
    offsets = ops.reshape(draws[:, 3:], (-1, NUM_TILES, 2))
    tiles = cut_jigsaw_tiles(images, cells, draws[:, 1:3], offsets, cell_size, tile_size)
    return tiles, labels
