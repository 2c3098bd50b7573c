"""`RotatedViews`: a random rotation before the views, seeded by the caller."""

import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.augment import RotatedViews
from keras_ssl.augment import ViewAugmentation
from keras_ssl.augment import digit_views


def bars(batch, size=29):
    """White horizontal bars through the centre of black images, 0-255."""
    images = np.zeros((batch, size, size, 1), "float32")
    images[:, size // 2, 4:-4, 0] = 255.0
    return images


def bar_angles(images):
    """Each image's principal-axis angle in degrees, from its pixel moments."""
    size = images.shape[1]
    rows, cols = np.mgrid[0:size, 0:size].astype("float64")
    angles = []
    for image in images[..., 0].astype("float64"):
        mass = image.sum()
        y, x = (rows * image).sum() / mass, (cols * image).sum() / mass
        cyy = ((rows - y) ** 2 * image).sum() / mass
        cxx = ((cols - x) ** 2 * image).sum() / mass
        cxy = ((rows - y) * (cols - x) * image).sum() / mass
        angles.append(np.degrees(0.5 * np.arctan2(2 * cxy, cxx - cyy)))
    return np.abs(np.array(angles))


def test_each_image_turns_by_its_own_angle_within_the_range():
    layer = RotatedViews(degrees=15.0)
    seed = keras.random.SeedGenerator(3)
    angles = bar_angles(keras.ops.convert_to_numpy(layer(bars(64), seed=seed)))
    assert angles.max() <= 15.0 + 1.0  # interpolation blurs the moments a little
    assert angles.max() > 10.0 and np.median(angles) > 3.0
    assert len(np.unique(np.round(angles, 3))) > 50  # an angle per image
    wide = RotatedViews(degrees=90.0)
    assert bar_angles(keras.ops.convert_to_numpy(wide(bars(64), seed=seed))).max() > 45.0


def test_views_are_reproducible_from_the_seed_and_differ_between_draws():
    layer = digit_views(rotation=15)
    assert isinstance(layer, RotatedViews) and isinstance(layer.views, ViewAugmentation)
    images = keras_ssl.datasets.mnist5k("test")[0][:16].astype("float32")
    first = keras.ops.convert_to_numpy(layer(images, seed=keras.random.SeedGenerator(7)))
    again = keras.ops.convert_to_numpy(layer(images, seed=keras.random.SeedGenerator(7)))
    np.testing.assert_array_equal(first, again)
    generator = keras.random.SeedGenerator(7)
    one = keras.ops.convert_to_numpy(layer(images, seed=generator))
    two = keras.ops.convert_to_numpy(layer(images, seed=generator))
    assert np.abs(one - two).mean() > 1.0
    assert first.shape == images.shape and first.min() >= -1e-3 and first.max() <= 255.001
    inference = keras.ops.convert_to_numpy(layer(images, training=False))
    np.testing.assert_array_equal(inference, images)


def test_config_round_trip_gives_the_same_views():
    layer = digit_views(seed=1, rotation=12.5)
    restored = RotatedViews.from_config(layer.get_config())
    assert restored.degrees == 12.5 and isinstance(restored.views, ViewAugmentation)
    assert restored.views.get_config() == layer.views.get_config()
    images = bars(8)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer(images, seed=keras.random.SeedGenerator(5))),
        keras.ops.convert_to_numpy(restored(images, seed=keras.random.SeedGenerator(5))),
    )
    assert digit_views().get_config() == digit_views(rotation=0).get_config()


def test_a_model_with_rotated_views_round_trips_through_keras_file(tmp_path):
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1), stage_filters=((4,),))
    model = keras_ssl.VICReg(
        encoder, augmentation=digit_views(rotation=15), projection_hidden_units=(16,),
        projection_units=16, seed=0,
    )
    model.compile()
    model.fit(bars(8, 28), epochs=1, batch_size=8, verbose=0)
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.augmentation, RotatedViews)
    assert loaded.augmentation.degrees == 15.0


@pytest.mark.parametrize("degrees", [0, -5, 181, "15", True])
def test_bad_degrees_name_the_range(degrees):
    with pytest.raises(ValueError, match=r"degrees must be a number in \(0, 180\]"):
        RotatedViews(degrees=degrees)


def test_views_that_are_not_a_layer_are_refused():
    with pytest.raises(TypeError, match="views must be a Keras layer"):
        RotatedViews(views=lambda images: images)
