import keras
import numpy as np
import pytest

from keras_ssl.augment import RandomResizedCrop
from keras_ssl.augment import ViewAugmentation
from keras_ssl.augment import byol_views
from keras_ssl.augment import default_views
from keras_ssl.augment import digit_views
from keras_ssl.augment import make_view
from keras_ssl.augment import simclr_views
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


def test_crop_of_the_whole_image_is_the_identity_and_a_half_stretches():
    images = np.arange(2 * 5 * 6, dtype="float32").reshape(2, 5, 6, 1)
    crop = RandomResizedCrop()
    ones, zeros = np.ones(2, "float32"), np.zeros(2, "float32")
    whole = {"left": zeros, "top": zeros, "width": ones, "height": ones}
    np.testing.assert_allclose(np.asarray(crop.transform_images(images, whole)), images, atol=1e-5)
    # The left half (columns 0-2) over 6 columns samples x' = x / 2 - 1/4.
    half = dict(whole, width=0.5 * ones)
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
    assert first.min() >= 0.0 and first.max() <= 1.0
    assert np.abs(first - images).mean() > 0.01
    np.testing.assert_array_equal(views(augmentation, images, seed=3), first)
    assert np.abs(views(augmentation, images, seed=4) - first).mean() > 1e-3


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
    np.testing.assert_allclose(solarized, np.where(images < 0.5, images, 1 - images), atol=1e-5)
    gray = views(ViewAugmentation(**dict(NOTHING, grayscale_probability=1.0)), images)
    luminance = images @ np.array([0.2989, 0.587, 0.114], "float32")
    np.testing.assert_allclose(gray, np.repeat(luminance[..., None], 3, -1), atol=1e-3)
    flipped = views(ViewAugmentation(**dict(NOTHING, horizontal_flip=True)), images)
    for view, image in zip(flipped, images):
        assert np.allclose(view, image) or np.allclose(view, image[:, ::-1])
    assert not np.allclose(flipped, images)
    np.testing.assert_array_equal(views(ViewAugmentation(**NOTHING), images), images)


def test_grayscale_images_skip_colour_steps():
    images = random_images(4, (16, 16, 1))
    jitter_only = dict(NOTHING, jitter_probability=1.0, brightness=0.0, contrast=0.0)
    augmentation = ViewAugmentation(**jitter_only)
    np.testing.assert_allclose(views(augmentation, images), images, atol=1e-6)


def test_training_false_returns_the_images():
    images = random_images(2, (8, 8, 3))
    out = simclr_views()(images, training=False)
    np.testing.assert_array_equal(np.asarray(out), images)


def test_make_view_takes_layers_and_callables():
    images = random_images(4, (8, 8, 1))
    seed = keras.random.SeedGenerator(0)
    flipped = make_view(lambda x: keras.ops.flip(x, axis=2), images, seed)
    np.testing.assert_array_equal(np.asarray(flipped), images[:, :, ::-1])
    def add_noise(x, seed):
        return x + keras.random.normal(keras.ops.shape(x), seed=seed)

    noisy = make_view(add_noise, images, seed)
    assert not np.allclose(np.asarray(noisy), images)
    keras_layer = keras.layers.RandomFlip("horizontal", seed=1)
    assert make_view(keras_layer, images, seed).shape == images.shape
    with pytest.raises(ValueError, match="changed the image shape"):
        make_view(keras.layers.RandomCrop(4, 4), images, seed)


def test_layers_serialize():
    run_serialization_test(simclr_views())
    run_serialization_test(byol_views()[1])
    run_serialization_test(RandomResizedCrop(scale=(0.2, 1.0)))


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="jitter_probability"):
        ViewAugmentation(jitter_probability=1.5)
    with pytest.raises(ValueError, match="scale"):
        RandomResizedCrop(scale=(0.0, 1.0))
    with pytest.raises(ValueError, match="blur_kernel_size"):
        ViewAugmentation(blur_kernel_size=4)


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


def compiled_view(augmentation, images):
    """`make_view` traced and compiled with XLA on the active backend."""
    generator = keras.random.SeedGenerator(0)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.function(lambda: make_view(augmentation, images, generator), jit_compile=True)()
    if keras.backend.backend() == "jax":
        import jax

        def view(state):
            with keras.StatelessScope(state_mapping=[(generator.state, state)]):
                return make_view(augmentation, images, generator)

        return jax.jit(view)(generator.state.value)
    pytest.skip("XLA compilation is tested on TensorFlow and JAX")


@pytest.mark.parametrize("recipe", ["simclr", "byol_2"])
def test_colour_recipes_compile_with_xla(recipe):
    augmentation = simclr_views() if recipe == "simclr" else byol_views()[1]
    images = random_images(4, (32, 32, 3))
    augmentation.build(images.shape)
    view = np.asarray(compiled_view(augmentation, images))
    assert view.shape == images.shape and np.all(np.isfinite(view))
    assert np.abs(view - images).mean() > 0.01
