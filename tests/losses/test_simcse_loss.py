import keras
import numpy as np
import pytest

from keras_ssl.losses import SimCSELoss
from keras_ssl.losses import simcse_logits
from keras_ssl.losses import simcse_loss


def simcse_equation_1(h, h_plus, temperature):
    """Gao et al. 2021, Eq. 1, literally: for each i,
    l_i = -log(e^{sim(h_i, h_i+)/t} / sum_j e^{sim(h_i, h_j+)/t}),
    with sim the cosine similarity."""

    def sim(a, b):
        return a @ b / (np.linalg.norm(a) * np.linalg.norm(b))

    n = len(h)
    losses = []
    for i in range(n):
        denominator = sum(np.exp(sim(h[i], h_plus[j]) / temperature) for j in range(n))
        losses.append(-np.log(np.exp(sim(h[i], h_plus[i]) / temperature) / denominator))
    return np.asarray(losses)


@pytest.mark.parametrize("batch_size", [1, 3, 16])
@pytest.mark.parametrize("temperature", [0.05, 1.0])
def test_matches_equation_1(batch_size, temperature):
    rng = np.random.default_rng(batch_size)
    h = rng.normal(size=(batch_size, 6)).astype("float32")
    h_plus = h + 0.3 * rng.normal(size=(batch_size, 6)).astype("float32")
    actual = np.asarray(simcse_loss(h, h_plus, temperature=temperature))
    np.testing.assert_allclose(
        actual, simcse_equation_1(h, h_plus, temperature), rtol=1e-4, atol=1e-5
    )


def test_orthogonal_identical_views_give_the_closed_form():
    # Positive cosine 1, the N - 1 negatives 0: l = log(1 + (N - 1) e^(-1/t)).
    n, temperature = 4, 0.5
    h = np.eye(n, 5, dtype="float32") * 2.0
    expected = np.log(1 + (n - 1) * np.exp(-1 / temperature))
    np.testing.assert_allclose(np.asarray(simcse_loss(h, h, temperature)), expected, rtol=1e-5)


def test_one_text_has_zero_loss_and_scale_does_not_matter():
    rng = np.random.default_rng(0)
    h, h_plus = rng.normal(size=(2, 1, 4)).astype("float32")
    np.testing.assert_allclose(np.asarray(simcse_loss(h, h_plus)), 0.0, atol=1e-6)
    h, h_plus = rng.normal(size=(2, 5, 4)).astype("float32")
    np.testing.assert_allclose(
        np.asarray(simcse_loss(3.0 * h, 0.2 * h_plus)),
        np.asarray(simcse_loss(h, h_plus)), rtol=1e-5,
    )


def test_logits_point_at_the_diagonal_and_the_class_matches():
    z = np.eye(3, dtype="float32")
    logits, labels = simcse_logits(z, z, temperature=0.05)
    assert np.asarray(logits).shape == (3, 3)
    assert np.asarray(labels).tolist() == [0, 1, 2]
    h1, h2 = np.random.default_rng(1).normal(size=(2, 6, 4)).astype("float32")
    loss = SimCSELoss(temperature=0.1)
    np.testing.assert_allclose(
        float(loss(h1, h2)), np.asarray(simcse_loss(h1, h2, 0.1)).mean(), rtol=1e-5
    )
    assert SimCSELoss.from_config(loss.get_config()).temperature == 0.1


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="temperature"):
        simcse_loss(np.ones((2, 3)), np.ones((2, 3)), temperature=0.0)
    with pytest.raises(ValueError, match="same shape"):
        simcse_loss(np.ones((2, 3)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="temperature"):
        SimCSELoss(temperature=-1)


def test_computes_in_float32_from_bfloat16():
    h1, h2 = np.random.default_rng(0).normal(size=(2, 4, 8)).astype("float32")
    low = simcse_loss(keras.ops.cast(h1, "bfloat16"), keras.ops.cast(h2, "bfloat16"))
    assert keras.backend.standardize_dtype(low.dtype) == "float32"
