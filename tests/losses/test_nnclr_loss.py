import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.losses import nearest_neighbours
from keras_ssl.losses import nnclr_loss


def normalize(x):
    x = np.asarray(x, "float64")
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def nnclr_L(nn, p, temperature):
    """NNCLR's pseudo-code, literally: nn = normalize(nn); p = normalize(p);
    logits = nn @ p.T / temperature; labels = range(n); cross_entropy."""
    logits = normalize(nn) @ normalize(p).T / temperature
    log_probs = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    return -log_probs[np.arange(len(nn)), np.arange(len(nn))].mean()


def numpy_nn(z, support):
    """NN(z, Q) = argmin_q ||z/|z| - q/|q| ||: the support row of top cosine."""
    distances = ((normalize(z)[:, None] - normalize(support)[None]) ** 2).sum(-1)
    return support[distances.argmin(1)]


@pytest.mark.parametrize("batch_size", [1, 3, 16])
@pytest.mark.parametrize("dim", [2, 9])
@pytest.mark.parametrize("temperature", [0.1, 0.5])
def test_matches_the_papers_pseudo_code(batch_size, dim, temperature):
    rng = np.random.default_rng(batch_size * dim)
    nn, p = rng.normal(size=(2, batch_size, dim)).astype("float32")
    per_row = np.asarray(nnclr_loss(nn, p, temperature=temperature))
    assert per_row.shape == (batch_size,)
    np.testing.assert_allclose(
        per_row.mean(), nnclr_L(nn, p, temperature), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("batch_size, support_size", [(1, 5), (6, 6), (8, 50)])
def test_nearest_neighbours_are_numpys(batch_size, support_size):
    rng = np.random.default_rng(support_size)
    z = rng.normal(size=(batch_size, 4)).astype("float32")
    support = rng.normal(size=(support_size, 4)).astype("float32") * 3.0
    neighbours = np.asarray(nearest_neighbours(z, support))
    np.testing.assert_array_equal(neighbours, numpy_nn(z, support))


def test_only_filled_rows_are_neighbours_and_an_empty_set_gives_z():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(5, 3)).astype("float32")
    support = np.concatenate([rng.normal(size=(2, 3)), z]).astype("float32")
    # Unfilled rows 2..6 hold z itself, the best match: never picked.
    np.testing.assert_array_equal(
        np.asarray(nearest_neighbours(z, support, filled=2)), numpy_nn(z, support[:2])
    )
    np.testing.assert_array_equal(np.asarray(nearest_neighbours(z, support, filled=0)), z)


@pytest.mark.parametrize("temperature", [0.1, 0.3])
def test_orthonormal_pairs_give_the_closed_form(temperature):
    # NN(z_i) = p_i, orthonormal: -log(e^(1/t) / (e^(1/t) + n - 1)).
    n = 4
    z = np.eye(n, 6, dtype="float32")
    expected = np.log(1 + (n - 1) * np.exp(-1 / temperature))
    np.testing.assert_allclose(
        np.asarray(nnclr_loss(z, 2.0 * z, temperature)), expected, rtol=1e-4, atol=1e-6
    )


def test_float32_from_bfloat16_and_bad_arguments():
    rng = np.random.default_rng(1)
    nn, p = rng.normal(size=(2, 4, 8)).astype("float32")
    low = nnclr_loss(keras.ops.cast(nn, "bfloat16"), keras.ops.cast(p, "bfloat16"))
    assert keras.backend.standardize_dtype(low.dtype) == "float32"
    np.testing.assert_allclose(np.asarray(low), np.asarray(nnclr_loss(nn, p)), rtol=0.05)
    with pytest.raises(ValueError, match="temperature"):
        nnclr_loss(nn, p, temperature=0.0)
    with pytest.raises(ValueError, match="same shape"):
        nnclr_loss(nn, p[:2])
    with pytest.raises(ValueError, match="support set"):
        nearest_neighbours(nn, np.ones((3, 2), "float32"))
    assert keras.saving.get_registered_object("keras_ssl>nnclr_loss") is (
        keras_ssl.losses.nnclr_loss
    )
