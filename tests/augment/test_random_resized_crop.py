"""`RandomResizedCrop`: boxes, resampling, `output_size`, config, XLA."""

import keras
import numpy as np
import pytest

from keras_ssl.augment import RandomResizedCrop
from keras_ssl.augment import make_view
from augment_xla import compiled_view
from test_case import random_images
from test_case import run_serialization_test


def whole_box(count):
    ones, zeros = np.ones(count, "float32"), np.zeros(count, "float32")
    return {"left": zeros, "top": zeros, "width": ones, "height": ones}


def test_crop_of_the_whole_image_is_the_identity_and_a_half_stretches():
    images = np.arange(2 * 5 * 6, dtype="float32").reshape(2, 5, 6, 1)
    crop = RandomResizedCrop()
    whole = whole_box(2)
    np.testing.assert_allclose(np.asarray(crop.transform_images(images, whole)), images, atol=1e-5)
    # The left half (columns 0-2) over 6 columns samples x' = x / 2 - 1/4.
    half = dict(whole, width=0.5 * whole["width"])
    out = np.asarray(crop.transform_images(images, half))
    np.testing.assert_allclose(out[0, 0, :, 0], [0.0, 0.25, 0.75, 1.25, 1.75, 2.25], atol=1e-5)


def test_crop_boxes_follow_scale_and_ratio():
    crop = RandomResizedCrop(scale=(0.3, 0.6), ratio=(0.5, 2.0))
    seed = keras.random.SeedGenerator(1)
    box = crop.get_random_transformation(np.zeros((2000, 8, 8, 1)), seed=seed)
    box = {k: np.asarray(v) for k, v in box.items()}
    area = box["width"] * box["height"]
    unclipped = (box["width"] < 1) & (box["height"] < 1)
    assert np.all((area[unclipped] > 0.3 - 1e-5) & (area[unclipped] < 0.6 + 1e-5))
    ratio = box["width"][unclipped] / box["height"][unclipped]
    assert ratio.min() >= 0.5 - 1e-4 and ratio.max() <= 2.0 + 1e-4
    assert np.all(box["left"] + box["width"] <= 1 + 1e-6)
    assert np.all(box["top"] + box["height"] <= 1 + 1e-6)
    assert box["left"].std() > 0.05  # positions vary per image


def test_crop_matches_keras_affine_transform():
    images = random_images(6, (9, 12, 2))
    crop = RandomResizedCrop(scale=(0.2, 0.9))
    box = crop.get_random_transformation(images, seed=keras.random.SeedGenerator(2))
    ours = np.asarray(crop.transform_images(images, box))
    box = {k: np.asarray(v) for k, v in box.items()}
    matrix = np.stack(
        [box["width"], 0 * box["width"], box["left"] * 12 + box["width"] / 2 - 0.5,
         0 * box["width"], box["height"], box["top"] * 9 + box["height"] / 2 - 0.5,
         0 * box["width"], 0 * box["width"]], axis=1,
    ).astype("float32")
    reference = keras.ops.image.affine_transform(images, matrix, fill_mode="nearest")
    np.testing.assert_allclose(ours, np.asarray(reference), atol=1e-4)


def test_output_size_gives_smaller_crops_that_follow_the_seed():
    images = random_images(4, (16, 12, 3))
    crop = RandomResizedCrop((0.05, 0.4), output_size=(6, 5))
    assert crop.compute_output_shape((None, 16, 12, 3)) == (None, 6, 5, 3)
    first = np.asarray(crop(images, seed=keras.random.SeedGenerator(3)))
    assert first.shape == (4, 6, 5, 3) and first.dtype == np.float32
    assert first.min() >= 0.0 and first.max() <= 255.0
    again = np.asarray(crop(images, seed=keras.random.SeedGenerator(3)))
    np.testing.assert_array_equal(again, first)
    view = make_view(crop, images, keras.random.SeedGenerator(0), expected_shape=(6, 5, 3))
    assert tuple(view.shape) == (4, 6, 5, 3)


def test_output_size_of_the_whole_image_downsamples_by_averaging_pairs():
    images = np.arange(1 * 4 * 6, dtype="float32").reshape(1, 4, 6, 1)
    out = np.asarray(RandomResizedCrop(output_size=(2, 3)).transform_images(images, whole_box(1)))
    # Output pixel i of 3 over 6 columns reads x = 2 i + 1/2: mean of a pair.
    expected = images[0, :, :, 0].reshape(2, 2, 3, 2).mean(axis=(1, 3))
    np.testing.assert_allclose(out[0, :, :, 0], expected, atol=1e-5)
    # Not training, the whole image is resized, so the shape stays the same.
    inference = RandomResizedCrop(output_size=(2, 3))(images, training=False)
    np.testing.assert_allclose(np.asarray(inference)[0, :, :, 0], expected, atol=1e-5)
    nearest = RandomResizedCrop(output_size=(4, 6), interpolation="nearest")
    same = nearest.transform_images(images, whole_box(1))
    np.testing.assert_allclose(np.asarray(same), images, atol=1e-6)


def test_output_size_round_trips_through_the_config():
    revived = run_serialization_test(RandomResizedCrop((0.05, 0.4), output_size=(6, 5)))
    assert revived.output_size == (6, 5)
    assert RandomResizedCrop().get_config()["output_size"] is None
    run_serialization_test(RandomResizedCrop(scale=(0.2, 1.0)))


@pytest.mark.parametrize("size", [(0, 4), (4,), (4.5, 4), "ab"])
def test_bad_output_sizes_are_refused(size):
    with pytest.raises(ValueError, match="output_size"):
        RandomResizedCrop(output_size=size)


def test_bad_scales_are_refused():
    with pytest.raises(ValueError, match="scale"):
        RandomResizedCrop(scale=(0.0, 1.0))


def test_smaller_crops_compile_with_xla():
    images = random_images(4, (16, 16, 3))
    crop = RandomResizedCrop((0.05, 0.4), output_size=(8, 8))
    view = np.asarray(compiled_view(crop, images, expected_shape=(8, 8, 3)))
    assert view.shape == (4, 8, 8, 3) and np.all(np.isfinite(view))
