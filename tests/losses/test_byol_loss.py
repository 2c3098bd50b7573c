import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.losses import BYOLLoss
from keras_ssl.losses import byol_loss


def test_two_minus_two_cosine_on_hand_made_vectors():
    targets = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [3.0, 0.0], [0.0, 1.0]], "float32")
    predictions = np.array([[0.0, 2.0], [5.0, 0.0], [-1.0, 0.0], [1.0, 1.0], [0.0, 0.5]], "float32")
    expected = [2.0, 0.0, 4.0, 2.0 - np.sqrt(2.0), 0.0]
    np.testing.assert_allclose(np.asarray(byol_loss(targets, predictions)), expected, atol=1e-6)


def test_equals_normalized_squared_distance_on_random_vectors():
    rng = np.random.default_rng(0)
    q, z = rng.normal(size=(2, 6, 16))
    unit_q = q / np.linalg.norm(q, axis=1, keepdims=True)
    unit_z = z / np.linalg.norm(z, axis=1, keepdims=True)
    expected = np.sum((unit_q - unit_z) ** 2, axis=1)
    np.testing.assert_allclose(np.asarray(byol_loss(z, q)), expected, rtol=1e-5)


def test_float32_from_bfloat16_and_shape_check():
    ones = keras.ops.ones((2, 4), "bfloat16")
    out = byol_loss(ones, ones)
    assert keras.backend.standardize_dtype(out.dtype) == "float32"
    with pytest.raises(ValueError, match="same shape"):
        byol_loss(np.ones((2, 4)), np.ones((2, 3)))


def test_loss_class_is_the_mean_and_serializes():
    rng = np.random.default_rng(1)
    q, z = rng.normal(size=(2, 5, 3)).astype("float32")
    loss = BYOLLoss()
    np.testing.assert_allclose(float(loss(z, q)), np.asarray(byol_loss(z, q)).mean(), rtol=1e-6)
    revived = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(loss))
    assert type(revived) is BYOLLoss
    assert keras.saving.get_registered_object("keras_ssl>byol_loss") is keras_ssl.losses.byol_loss
