"""`make_view`: layers and callables, seeds, and the check of the view's shape."""

import keras
import numpy as np
import pytest

from keras_ssl.augment import IdentityView
from keras_ssl.augment import RandomResizedCrop
from keras_ssl.augment import make_view
from test_case import random_images


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


def test_expected_shape_allows_views_of_another_size():
    images = random_images(4, (16, 16, 3))
    seed = keras.random.SeedGenerator(0)
    local = RandomResizedCrop((0.05, 0.4), output_size=(8, 8))
    for expected in [(8, 8, 3), (None, None, 3), (None, None, None)]:
        view = make_view(local, images, seed, expected_shape=expected)
        assert tuple(view.shape) == (4, 8, 8, 3) and view.dtype == "float32"
    # Given, expected_shape replaces the check against the input's shape.
    same = make_view(RandomResizedCrop(), images, seed, expected_shape=[16, 16, 3])
    assert tuple(same.shape) == images.shape


@pytest.mark.parametrize("expected", [(16, 16, 3), (8, 8, 1), (8, 8)])
def test_a_view_of_the_wrong_shape_names_both_shapes_and_the_fix(expected):
    images = random_images(2, (16, 16, 3))
    local = RandomResizedCrop(output_size=(8, 8))
    with pytest.raises(ValueError) as error:
        make_view(local, images, keras.random.SeedGenerator(0), expected_shape=expected)
    message = str(error.value)
    assert "(8, 8, 3)" in message and str(tuple(expected)) in message
    assert "output_size" in message


def test_token_ids_pass_through_an_identity_view_unchanged():
    tokens = np.array([[101, 7, 102, 0], [101, 9, 8, 102]], dtype="int32")
    view = make_view(IdentityView(), tokens, keras.random.SeedGenerator(0))
    assert "int" in str(view.dtype)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(view), tokens)
