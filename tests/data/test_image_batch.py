import keras
import numpy as np
import pytest

from keras_ssl.data.image_batch import select_images
from keras_ssl.data.image_batch import standardize_batch
from keras_ssl.data.image_batch import to_float_images


def test_uint8_keeps_its_0_255_pixel_values():
    images = np.array([[[0, 255], [51, 102]]], "uint8")
    out = keras.ops.convert_to_numpy(to_float_images(images))
    assert out.dtype == np.float32 and out.shape == (1, 2, 2, 1)
    np.testing.assert_array_equal(out[..., 0], [[[0.0, 255.0], [51.0, 102.0]]])
    as_float = keras.ops.convert_to_numpy(to_float_images(images.astype("float64")))
    np.testing.assert_array_equal(as_float, out)


def test_float_images_keep_their_values():
    images = 255.0 * np.random.default_rng(0).random((2, 4, 4, 3))
    out = keras.ops.convert_to_numpy(to_float_images(images))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, images, atol=1e-7)


def test_batch_forms_select_the_images():
    images = np.zeros((2, 4, 4, 1), "uint8")
    labels = np.arange(2)
    for data in (images, (images,), (images, labels), {"image": images, "label": labels}):
        assert select_images(data) is images
    assert standardize_batch({"image": images}).shape == (2, 4, 4, 1)


def test_dict_without_image_key_names_the_keys():
    with pytest.raises(ValueError, match="'pixels'"):
        select_images({"pixels": np.zeros((1, 2, 2))})
