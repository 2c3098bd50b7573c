"""`ViewAugmentation` and the published recipes: steps, seeds, XLA."""

import keras
import numpy as np
import pytest

from keras_ssl.augment import ViewAugmentation
from keras_ssl.augment import byol_views
from keras_ssl.augment import default_views
from keras_ssl.augment import digit_views
from keras_ssl.augment import make_view
from keras_ssl.augment import simclr_views
from augment_xla import compiled_view
from test_case import random_images
from test_case import run_serialization_test

# Every step off; tests switch on one at a time.
NOTHING = dict(
    crop_scale=None, horizontal_flip=False, jitter_probability=0.0,
    grayscale_probability=0.0, blur_probability=0.0, solarize_probability=0.0,
)


def views(augmentation, images, seed=0):
    augmentation.build(images.shape)
    return np.asarray(make_view(augmentation, images, keras.random.SeedGenerator(seed)))


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3)])
@pytest.mark.parametrize("recipe", ["simclr", "byol_1", "byol_2", "digits"])
def test_recipes_keep_shape_and_range_and_follow_the_seed(recipe, shape):
    augmentation = {
        "simclr": simclr_views, "byol_1": lambda: byol_views()[0],
        "byol_2": lambda: byol_views()[1], "digits": digit_views,
    }[recipe]()
    images = random_images(8, shape)
    first = views(augmentation, images, seed=3)
    assert first.shape == images.shape and first.dtype == np.float32
    assert first.min() >= 0.0 and first.max() <= 255.0  # pixels 0-255
    assert np.abs(first - images).mean() > 2.55
    np.testing.assert_array_equal(views(augmentation, images, seed=3), first)
    assert np.abs(views(augmentation, images, seed=4) - first).mean() > 0.255


def test_byol_views_are_asymmetric_and_digit_views_do_not_flip():
    first, second = byol_views()
    assert (first.blur_probability, second.blur_probability) == (1.0, 0.1)
    assert (first.solarize_probability, second.solarize_probability) == (0.0, 0.2)
    assert not digit_views().horizontal_flip
    assert isinstance(default_views("byol", (32, 32, 3)), tuple)
    assert default_views("simclr", (28, 28, 1)).get_config() == digit_views().get_config()
    cifar = default_views("simclr", (32, 32, 3))
    assert cifar.blur_probability == 0.0 and cifar.brightness == pytest.approx(0.4)


def test_single_steps_do_what_they_say():
    images = random_images(6, (8, 8, 3))
    solarized = views(ViewAugmentation(**dict(NOTHING, solarize_probability=1.0)), images)
    # BYOL's x -> 1 - x above 0.5, on 0-255 pixels.
    np.testing.assert_allclose(
        solarized, np.where(images < 127.5, images, 255 - images), atol=1e-3
    )
    gray = views(ViewAugmentation(**dict(NOTHING, grayscale_probability=1.0)), images)
    luminance = images @ np.array([0.2989, 0.587, 0.114], "float32")
    np.testing.assert_allclose(gray, np.repeat(luminance[..., None], 3, -1), atol=0.3)
    flipped = views(ViewAugmentation(**dict(NOTHING, horizontal_flip=True)), images)
    for view, image in zip(flipped, images):
        assert np.allclose(view, image) or np.allclose(view, image[:, ::-1])
    assert not np.allclose(flipped, images)
    np.testing.assert_allclose(views(ViewAugmentation(**NOTHING), images), images, atol=1e-4)


def test_grayscale_images_skip_colour_steps():
    images = random_images(4, (16, 16, 1))
    jitter_only = dict(NOTHING, jitter_probability=1.0, brightness=0.0, contrast=0.0)
    augmentation = ViewAugmentation(**jitter_only)
    np.testing.assert_allclose(views(augmentation, images), images, atol=1e-4)


def test_training_false_returns_the_images():
    images = random_images(2, (8, 8, 3))
    out = simclr_views()(images, training=False)
    np.testing.assert_array_equal(np.asarray(out), images)


def test_layers_serialize():
    run_serialization_test(simclr_views())
    run_serialization_test(byol_views()[1])


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="jitter_probability"):
        ViewAugmentation(jitter_probability=1.5)
    with pytest.raises(ValueError, match="blur_kernel_size"):
        ViewAugmentation(blur_kernel_size=4)


@pytest.mark.parametrize("recipe", ["simclr", "byol_2"])
def test_colour_recipes_compile_with_xla(recipe):
    augmentation = simclr_views() if recipe == "simclr" else byol_views()[1]
    images = random_images(4, (32, 32, 3))
    augmentation.build(images.shape)
    view = np.asarray(compiled_view(augmentation, images))
    assert view.shape == images.shape and np.all(np.isfinite(view))
    assert np.abs(view - images).mean() > 2.55
