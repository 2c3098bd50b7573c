import keras
import numpy as np
import pytest

from keras_ssl.augment.jigsaw_permutations import maximal_hamming_permutations
from keras_ssl.augment.jigsaw_tiles import cut_jigsaw_tiles
from keras_ssl.augment.jigsaw_tiles import jigsaw_geometry
from keras_ssl.augment.jigsaw_tiles import random_jigsaw_puzzles

to_numpy = keras.ops.convert_to_numpy


def numpy_tiles(images, cells, origins, offsets, cell, tile):
    """Slot j of puzzle n: the tile x tile window of cell cells[n, j]."""
    out = np.zeros((len(images), 9, tile, tile, images.shape[-1]), images.dtype)
    for n in range(len(images)):
        for j in range(9):
            k = cells[n, j]
            top = origins[n, 0] + (k // 3) * cell[0] + offsets[n, j, 0]
            left = origins[n, 1] + (k % 3) * cell[1] + offsets[n, j, 1]
            out[n, j] = images[n, top:top + tile, left:left + tile]
    return out


def test_geometry_keeps_the_papers_tile_to_cell_ratio():
    assert jigsaw_geometry(28, 28) == ((9, 9), 7)
    assert jigsaw_geometry(32, 32) == ((10, 10), 8)
    assert jigsaw_geometry(225, 225) == ((75, 75), 64)  # the paper's
    assert jigsaw_geometry(28, 40, tile_size=9) == ((9, 13), 9)


@pytest.mark.parametrize(
    "args, match",
    [
        ((8, 28), "too small for 3x3 jigsaw tiles"),
        ((28, 28, 10), r"tile_size must be an int in \[1, 9\]"),
        ((28, 28, 0), r"tile_size must be an int in \[1, 9\]"),
        ((None, 28), "fixed input_shape"),
    ],
)
def test_bad_geometry_is_refused(args, match):
    with pytest.raises(ValueError, match=match):
        jigsaw_geometry(*args)


def test_tiles_are_the_numpy_windows_of_the_given_cells_and_offsets():
    rng = np.random.default_rng(0)
    images = rng.random((3, 28, 30, 2)).astype("float32")
    cells = np.stack([rng.permutation(9) for _ in range(3)])
    origins = np.stack([rng.integers(0, 2, 3), rng.integers(0, 4, 3)], axis=1)
    offsets = rng.integers(0, 3, (3, 9, 2))
    tiles = to_numpy(cut_jigsaw_tiles(images, cells, origins, offsets, (9, 9), 7))
    np.testing.assert_array_equal(
        tiles, numpy_tiles(images, cells, origins, offsets, (9, 9), 7)
    )


def test_random_puzzles_follow_their_labels_and_stay_inside_their_cells():
    # Each pixel holds its own (row, col): a tile tells where it was cut.
    rows, cols = np.meshgrid(np.arange(28), np.arange(28), indexing="ij")
    images = np.tile(np.stack([rows, cols], -1)[None], (64, 1, 1, 1)).astype("float32")
    perms = maximal_hamming_permutations(10, seed=0)
    seed = keras.random.SeedGenerator(3)
    tiles, labels = (to_numpy(t) for t in random_jigsaw_puzzles(images, perms, (9, 9), 7, seed))
    assert tiles.shape == (64, 9, 7, 7, 2) and labels.shape == (64,)
    assert labels.min() >= 0 and labels.max() <= 9 and len(set(labels)) > 5
    starts = tiles[:, :, 0, 0, :].astype(int)  # (N, 9, 2)
    cells = perms[labels]
    within = starts - np.stack([cells // 3, cells % 3], -1) * 9  # origin + offset
    assert within.min() == 0 and within.max() == 3  # origin 0-1, jitter 0-2
    np.testing.assert_array_equal(
        tiles, numpy_tiles(images, cells, np.zeros((64, 2), int), within, (9, 9), 7)
    )
    again = random_jigsaw_puzzles(images, perms, (9, 9), 7, keras.random.SeedGenerator(3))
    np.testing.assert_array_equal(to_numpy(again[1]), labels)  # reproducible


def test_tiles_as_large_as_cells_leave_no_gap_or_jitter():
    images = np.random.default_rng(1).random((4, 27, 27, 1)).astype("float32")
    perms = maximal_hamming_permutations(5, seed=0)
    tiles, labels = random_jigsaw_puzzles(images, perms, (9, 9), 9, 0)
    cells = perms[to_numpy(labels)]
    zeros = np.zeros((4, 9, 2), int)
    np.testing.assert_array_equal(
        to_numpy(tiles), numpy_tiles(images, cells, zeros[:, 0], zeros, (9, 9), 9)
    )
