"""`IdentityView`: inputs of any rank and dtype back as they were; saving."""

import keras
import numpy as np
import pytest

from keras_ssl.augment import IdentityView
from test_case import random_images
from test_case import run_serialization_test


@pytest.mark.parametrize("dtype", ["int32", "int64", "bool"])
def test_integers_and_booleans_pass_unchanged(dtype):
    tokens = np.array([[101, 2023, 102, 0]], dtype="int64").astype(dtype)
    out = IdentityView()(tokens)
    # The backend's own tensor dtype (JAX without x64 holds int64 as int32).
    backend_dtype = keras.ops.convert_to_tensor(tokens).dtype
    assert out.dtype == backend_dtype and "float" not in str(out.dtype)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(out), tokens)


@pytest.mark.parametrize("shape", [(3,), (3, 5), (2, 4, 4, 3)])
def test_floats_of_any_rank_come_back_as_float32(shape):
    values = np.random.default_rng(0).random(shape)  # float64
    out = IdentityView()(values, training=True)
    assert keras.backend.standardize_dtype(out.dtype) == "float32"
    np.testing.assert_allclose(keras.ops.convert_to_numpy(out), values, rtol=1e-6)


def test_in_a_functional_model_the_output_keeps_the_input_dtype():
    inputs = keras.Input((4,), dtype="int32")
    outputs = IdentityView()(inputs)
    assert outputs.dtype == "int32" and outputs.shape == (None, 4)
    images = random_images(2, (8, 8, 3))
    assert IdentityView().compute_output_shape(images.shape) == images.shape


def test_round_trips_through_keras_serialization():
    layer = IdentityView(name="views")
    revived = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(layer)
    )
    assert type(revived) is IdentityView and revived.name == "views"
    assert keras.saving.get_registered_name(IdentityView) == "keras_ssl>IdentityView"
    run_serialization_test(layer)
