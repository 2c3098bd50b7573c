import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.losses import vicreg_loss
from keras_ssl.losses import vicreg_loss_terms


def vicreg_algorithm_1(z_a, z_b, lambd=25.0, mu=25.0, nu=1.0):
    """Algorithm 1 of the paper, in numpy (torch's var is unbiased)."""
    n, d = z_a.shape
    sim_loss = ((z_a - z_b) ** 2).mean()
    std_z_a = np.sqrt(z_a.var(axis=0, ddof=1) + 1e-04)
    std_z_b = np.sqrt(z_b.var(axis=0, ddof=1) + 1e-04)
    std_loss = np.maximum(0, 1 - std_z_a).mean() + np.maximum(0, 1 - std_z_b).mean()
    z_a = z_a - z_a.mean(axis=0)
    z_b = z_b - z_b.mean(axis=0)
    cov_z_a = (z_a.T @ z_a) / (n - 1)
    cov_z_b = (z_b.T @ z_b) / (n - 1)
    off_diagonal = ~np.eye(d, dtype=bool)
    cov_loss = (cov_z_a[off_diagonal] ** 2).sum() / d + (cov_z_b[off_diagonal] ** 2).sum() / d
    return lambd * sim_loss + mu * std_loss + nu * cov_loss


@pytest.mark.parametrize("batch_size,dim", [(2, 3), (8, 5), (64, 32)])
@pytest.mark.parametrize("weights", [(25.0, 25.0, 1.0), (1.0, 2.0, 3.0)])
@pytest.mark.parametrize("spread", [0.3, 2.0])  # hinge active / inactive
def test_matches_the_papers_algorithm(batch_size, dim, weights, spread):
    rng = np.random.default_rng(batch_size + dim)
    z1 = spread * rng.normal(size=(batch_size, dim))
    z2 = z1 + spread * rng.normal(size=(batch_size, dim))
    loss = float(vicreg_loss(z1.astype("float32"), z2.astype("float32"), *weights))
    np.testing.assert_allclose(loss, vicreg_algorithm_1(z1, z2, *weights), rtol=1e-4)


def test_identical_whitened_spread_branches_give_zero():
    # Orthogonal centred columns scaled to std > 1: no invariance, variance
    # or covariance penalty.
    rng = np.random.default_rng(0)
    start = np.concatenate([np.ones((16, 1)), rng.normal(size=(16, 5))], axis=1)
    z = np.linalg.qr(start)[0][:, 1:]  # orthogonal to each other and to 1
    z = z / z.std(0, ddof=1) * np.array([1.5, 2.0, 3.0, 1.2, 5.0])
    z = z.astype("float32")
    invariance, variance, covariance = (float(t) for t in vicreg_loss_terms(z, z))
    assert invariance == 0.0
    assert variance == 0.0
    assert covariance == pytest.approx(0.0, abs=1e-5)
    # Collapsed branches: all dimensions std 0, hinge 1 - sqrt(eps) each.
    constant = np.ones((8, 4), "float32")
    _, variance, covariance = (float(t) for t in vicreg_loss_terms(constant, constant))
    assert variance == pytest.approx(2 * (1 - np.sqrt(1e-4)), rel=1e-5)
    assert covariance == 0.0


def test_symmetric_in_the_branches():
    rng = np.random.default_rng(1)
    z1, z2 = rng.normal(size=(2, 12, 6)).astype("float32")
    np.testing.assert_allclose(
        float(vicreg_loss(z2, z1)), float(vicreg_loss(z1, z2)), rtol=1e-6
    )


def test_a_batch_of_one_is_finite_and_float32_from_bfloat16():
    one = np.ones((1, 4), "float32")
    assert np.isfinite(float(vicreg_loss(one, one)))
    rng = np.random.default_rng(2)
    z1, z2 = rng.normal(size=(2, 8, 4)).astype("float32")
    low = vicreg_loss(keras.ops.cast(z1, "bfloat16"), keras.ops.cast(z2, "bfloat16"))
    assert keras.backend.standardize_dtype(low.dtype) == "float32"
    np.testing.assert_allclose(float(low), float(vicreg_loss(z1, z2)), rtol=0.05)


@pytest.mark.parametrize(
    "argument", ["invariance_weight", "variance_weight", "covariance_weight", "epsilon"]
)
def test_negative_arguments_are_refused(argument):
    z = np.ones((2, 3), "float32")
    with pytest.raises(ValueError, match=argument):
        vicreg_loss(z, z, **{argument: -1.0})


def test_shape_check_and_registration():
    with pytest.raises(ValueError, match="same shape"):
        vicreg_loss(np.ones((2, 3), "float32"), np.ones((3, 3), "float32"))
    registered = keras.saving.get_registered_object("keras_ssl>vicreg_loss")
    assert registered is keras_ssl.losses.vicreg_loss
