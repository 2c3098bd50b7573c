import keras
import numpy as np
import pytest

import keras_ssl
from test_case import run_serialization_test

to_numpy = keras.ops.convert_to_numpy


def test_mlp_bottleneck_l2_norm_and_weight_normalised_last_layer():
    head = keras_ssl.heads.DINOHead((12, 12), bottleneck_units=6, output_units=20)
    x = np.random.default_rng(0).normal(size=(5, 9)).astype("float32")
    out = to_numpy(head(x))
    assert out.shape == (5, 20)
    # By hand: Dense-GELU, Dense-GELU, Dense, L2 norm, x V / ||V|| (columns).
    h = x
    for layer in head.mlp:
        h = to_numpy(layer(h))
    h = h / np.linalg.norm(h, axis=1, keepdims=True)
    kernel = to_numpy(head.last_kernel)
    np.testing.assert_allclose(out, h @ (kernel / np.linalg.norm(kernel, axis=0)), atol=1e-5)
    assert [type(l).__name__ for l in head.mlp] == ["Dense", "Activation"] * 2 + ["Dense"]
    # Every logit is a cosine: |logit| <= 1, whatever the scale of the kernel.
    head.last_kernel.assign(100.0 * kernel)
    assert np.abs(to_numpy(head(x))).max() <= 1.0 + 1e-5


def test_learned_norm_batch_norm_and_config():
    head = keras_ssl.heads.DINOHead((8,), 4, 10, batch_norm=True, norm_last_layer=False)
    head.build((None, 3))
    assert head.last_norm is not None and head.last_norm.trainable
    assert any(isinstance(l, keras.layers.BatchNormalization) for l in head.mlp)
    revived = run_serialization_test(head)
    assert revived.get_config()["output_units"] == 10
    with pytest.raises(ValueError, match="output_units"):
        keras_ssl.heads.DINOHead(output_units=0)
