import keras
import numpy as np

import keras_ssl
from test_case import run_serialization_test


def test_resnet18_cifar_stem_and_size():
    encoder = keras_ssl.encoders.ResNet18(input_shape=(32, 32, 3))
    assert encoder.output_shape == (None, 512)
    # 11.17M weights in the CIFAR variant (no fc layer).
    assert 11_150_000 < encoder.count_params() < 11_200_000
    stem = encoder.get_layer("stem_conv")
    assert stem.kernel_size == (3, 3) and stem.strides == (1, 1)
    assert not any(isinstance(l, keras.layers.MaxPooling2D) for l in encoder.layers)
    # Stages halve the map three times: 32 -> 4 before pooling.
    assert encoder.get_layer("stage3_block1_out").output.shape[1:3] == (4, 4)


def test_resnet_small_config_runs_and_serializes():
    encoder = keras_ssl.encoders.ResNet18(
        input_shape=(16, 16, 1), stage_filters=(8, 16), blocks_per_stage=(1, 1)
    )
    out = encoder(np.zeros((2, 16, 16, 1), "float32"))
    assert tuple(out.shape) == (2, 16)
    run_serialization_test(encoder)
