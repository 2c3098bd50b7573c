import keras
import numpy as np
import pytest

import keras_ssl
from test_case import run_serialization_test

to_numpy = keras.ops.convert_to_numpy


def test_unit_norm_prototypes_without_bias_give_cosine_scores():
    layer = keras_ssl.heads.SwAVPrototypes(num_prototypes=12, seed=0)
    z = np.random.default_rng(0).normal(size=(5, 6)).astype("float32")
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    scores = to_numpy(layer(z))
    kernel = to_numpy(layer.kernel.value)
    assert scores.shape == (5, 12) and [v.name for v in layer.weights] == ["kernel"]
    np.testing.assert_allclose(np.linalg.norm(kernel, axis=0), 1.0, atol=1e-6)
    np.testing.assert_allclose(scores, z @ kernel, atol=1e-6)
    np.testing.assert_allclose(to_numpy(layer(z, frozen=True)), scores, atol=1e-6)
    layer.kernel.assign(3.0 * kernel)
    layer.normalize()  # what SwAV does after each optimizer step
    np.testing.assert_allclose(to_numpy(layer.kernel.value), kernel, atol=1e-6)
    assert run_serialization_test(layer).get_config()["num_prototypes"] == 12
    with pytest.raises(ValueError, match="num_prototypes"):
        keras_ssl.heads.SwAVPrototypes(num_prototypes=0)
