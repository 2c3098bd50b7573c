import keras
import numpy as np
import pytest

import keras_ssl
from test_case import run_model_saving_test
from test_case import run_serialization_test


def test_default_architecture_matches_the_spec():
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    # 3x3 bias-free convs 32-32-pool-64-64-pool-128: 138,528 conv weights,
    # plus 4 BatchNorm values per channel (gamma, beta, mean, variance).
    conv = 9 * (1 * 32 + 32 * 32 + 32 * 64 + 64 * 64 + 64 * 128)
    batch_norm = 4 * (32 + 32 + 64 + 64 + 128)
    assert encoder.count_params() == conv + batch_norm == 139_808
    assert encoder.output_shape == (None, 128)
    convs = [l for l in encoder.layers if isinstance(l, keras.layers.Conv2D)]
    assert [c.filters for c in convs] == [32, 32, 64, 64, 128]
    assert all(c.kernel_size == (3, 3) and not c.use_bias for c in convs)


def test_width_depth_and_input_are_configurable():
    encoder = keras_ssl.encoders.ConvNet(
        input_shape=(32, 32, 3), stage_filters=((16,), (24, 24)), pooling="max"
    )
    out = encoder(np.zeros((2, 32, 32, 3), "float32"))
    assert tuple(out.shape) == (2, 24)


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="pooling"):
        keras_ssl.encoders.ConvNet(pooling="mean")
    with pytest.raises(ValueError, match="stage"):
        keras_ssl.encoders.ConvNet(stage_filters=())


def test_serialization_and_saving(tmp_path):
    encoder = keras_ssl.encoders.ConvNet(
        input_shape=(28, 28, 1), stage_filters=((8,), (16,))
    )
    run_serialization_test(encoder)
    images = 255.0 * np.random.default_rng(0).random((3, 28, 28, 1)).astype("float32")
    run_model_saving_test(encoder, images, str(tmp_path / "encoder.keras"))
