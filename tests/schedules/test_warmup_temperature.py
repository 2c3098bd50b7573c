import keras
import numpy as np
import pytest

from keras_ssl.schedules import warmup_temperature


@pytest.mark.parametrize(
    "step, expected", [(0, 0.04), (15, 0.055), (30, 0.07), (31, 0.07), (100, 0.07)]
)
def test_linear_then_constant(step, expected):
    value = warmup_temperature(step, 100, 0.3, 0.04, 0.07)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(value), expected, rtol=1e-6)


def test_no_warmup_starts_at_the_end_value():
    value = warmup_temperature(0, 100, 0.0, 0.04, 0.07)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(value), 0.07, rtol=1e-6)
