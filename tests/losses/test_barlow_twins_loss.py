import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.losses import barlow_twins_loss
from keras_ssl.losses import barlow_twins_loss_terms


def barlow_twins_algorithm_1(z_a, z_b, lambd):
    """Algorithm 1 of the paper, in numpy (np.std is the biased std, as the
    authors' BatchNorm1d(affine=False))."""
    n, d = z_a.shape
    z_a_norm = (z_a - z_a.mean(0)) / z_a.std(0)
    z_b_norm = (z_b - z_b.mean(0)) / z_b.std(0)
    c = z_a_norm.T @ z_b_norm / n
    c_diff = (c - np.eye(d)) ** 2
    off_diagonal = ~np.eye(d, dtype=bool)
    c_diff[off_diagonal] *= lambd
    return c_diff.sum()


def decorrelated_centred_columns(n, d):
    """`(n, d)` with orthogonal columns of mean 0: an orthonormal basis
    whose first vector is the constant one, without that vector."""
    rng = np.random.default_rng(0)
    start = np.concatenate([np.ones((n, 1)), rng.normal(size=(n, d))], axis=1)
    basis, _ = np.linalg.qr(start)
    return basis[:, 1:]


@pytest.mark.parametrize("batch_size,dim", [(2, 3), (8, 5), (64, 32)])
@pytest.mark.parametrize("lambd", [5.1e-3, 1.0])
def test_matches_the_papers_algorithm(batch_size, dim, lambd):
    rng = np.random.default_rng(batch_size + dim)
    # Spread wide enough that epsilon (1e-5 on the variance) is negligible.
    z1 = 10.0 * rng.normal(size=(batch_size, dim))
    z2 = z1 + 10.0 * rng.normal(size=(batch_size, dim))
    loss = float(barlow_twins_loss(z1.astype("float32"), z2.astype("float32"), lambd))
    np.testing.assert_allclose(loss, barlow_twins_algorithm_1(z1, z2, lambd), rtol=1e-4)


def test_identity_cross_correlation_gives_zero():
    z = decorrelated_centred_columns(16, 5)
    z = (z * [10.0, 20.0, 30.0, 5.0, 70.0] + [1.0, -2.0, 0.0, 3.0, 4.0]).astype("float32")
    invariance, redundancy = barlow_twins_loss_terms(z, z)
    assert float(invariance) == pytest.approx(0.0, abs=1e-8)
    assert float(redundancy) == pytest.approx(0.0, abs=1e-8)
    assert float(barlow_twins_loss(z, z)) == pytest.approx(0.0, abs=1e-8)
    # Opposite views: C = -I, each diagonal term (1 - (-1))^2 = 4.
    assert float(barlow_twins_loss(z, -z)) == pytest.approx(4.0 * 5, rel=1e-5)


def test_symmetric_and_invariant_to_scale_and_shift_per_dimension():
    rng = np.random.default_rng(1)
    z1, z2 = rng.normal(size=(2, 12, 6)).astype("float32")
    loss = float(barlow_twins_loss(z1, z2))
    np.testing.assert_allclose(float(barlow_twins_loss(z2, z1)), loss, rtol=1e-5)
    scale = np.linspace(0.5, 3.0, 6).astype("float32")
    np.testing.assert_allclose(
        float(barlow_twins_loss(z1 * scale + 2.0, z2)), loss, rtol=1e-4
    )


def test_a_batch_of_one_is_finite_and_float32_from_bfloat16():
    one = np.ones((1, 4), "float32")
    assert np.isfinite(float(barlow_twins_loss(one, one)))
    rng = np.random.default_rng(2)
    z1, z2 = rng.normal(size=(2, 8, 4)).astype("float32")
    low = barlow_twins_loss(keras.ops.cast(z1, "bfloat16"), keras.ops.cast(z2, "bfloat16"))
    assert keras.backend.standardize_dtype(low.dtype) == "float32"
    np.testing.assert_allclose(float(low), float(barlow_twins_loss(z1, z2)), rtol=0.05)


def test_bad_arguments_are_refused_and_the_loss_is_registered():
    z = np.ones((2, 3), "float32")
    with pytest.raises(ValueError, match="lambda_offdiagonal"):
        barlow_twins_loss(z, z, lambda_offdiagonal=-1.0)
    with pytest.raises(ValueError, match="epsilon"):
        barlow_twins_loss(z, z, epsilon=-1e-5)
    with pytest.raises(ValueError, match="same shape"):
        barlow_twins_loss(z, np.ones((3, 3), "float32"))
    registered = keras.saving.get_registered_object("keras_ssl>barlow_twins_loss")
    assert registered is keras_ssl.losses.barlow_twins_loss
