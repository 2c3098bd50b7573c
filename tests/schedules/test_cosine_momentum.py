import math

import keras
import numpy as np
import pytest

from keras_ssl.schedules import cosine_momentum


def paper_tau(k, total, tau_base):
    # BYOL, Sec. 3.2: tau = 1 - (1 - tau_base) * (cos(pi k / K) + 1) / 2.
    return 1 - (1 - tau_base) * (math.cos(math.pi * k / total) + 1) / 2


@pytest.mark.parametrize("step", [0, 250, 500, 731, 1000])
def test_follows_the_papers_formula(step):
    np.testing.assert_allclose(
        float(cosine_momentum(step, 1000, 0.996)), paper_tau(step, 1000, 0.996), atol=1e-7
    )


def test_start_middle_end_and_after():
    values = [float(cosine_momentum(k, 100, 0.99)) for k in (0, 50, 100, 150)]
    np.testing.assert_allclose(values, [0.99, 0.995, 1.0, 1.0], atol=1e-7)


def test_takes_tensors():
    step, total = keras.ops.convert_to_tensor(5, "int32"), keras.ops.convert_to_tensor(10, "int32")
    tau = cosine_momentum(step, total)
    np.testing.assert_allclose(float(tau), paper_tau(5, 10, 0.996), atol=1e-7)


def test_validates_its_inputs():
    with pytest.raises(ValueError, match="tau_base"):
        cosine_momentum(0, 10, tau_base=1.5)
    with pytest.raises(ValueError, match="total_steps"):
        cosine_momentum(0, 0)
    with pytest.raises(ValueError, match="step"):
        cosine_momentum(-1, 10)
