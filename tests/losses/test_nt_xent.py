import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.losses import NTXent
from keras_ssl.losses import nt_xent
from keras_ssl.losses import nt_xent_logits


def simclr_algorithm_1(z1, z2, temperature):
    """SimCLR's Algorithm 1, literally: views 2k-1 and 2k of image k (here
    rows 2k and 2k+1 of the interleaved batch), cosine similarities s(i, j),
    l(i, j) = -log(exp(s(i,j)/t) / sum_{k != i} exp(s(i,k)/t)), and
    L = 1/(2N) sum_k [l(2k-1, 2k) + l(2k, 2k-1)]."""
    n = len(z1)
    views = np.empty((2 * n, z1.shape[1]), "float64")
    views[0::2], views[1::2] = z1, z2

    def s(i, j):
        return views[i] @ views[j] / (np.linalg.norm(views[i]) * np.linalg.norm(views[j]))

    def loss(i, j):
        denominator = sum(np.exp(s(i, k) / temperature) for k in range(2 * n) if k != i)
        return -np.log(np.exp(s(i, j) / temperature) / denominator)

    return sum(loss(2 * k, 2 * k + 1) + loss(2 * k + 1, 2 * k) for k in range(n)) / (2 * n)


@pytest.mark.parametrize("batch_size", [1, 3, 16])
@pytest.mark.parametrize("temperature", [0.1, 1.0])
def test_matches_the_papers_algorithm(batch_size, temperature):
    rng = np.random.default_rng(batch_size)
    z1 = rng.normal(size=(batch_size, 5)).astype("float32")
    z2 = rng.normal(size=(batch_size, 5)).astype("float32")
    per_pair = np.asarray(nt_xent(z1, z2, temperature=temperature))
    assert per_pair.shape == (batch_size,)
    np.testing.assert_allclose(
        per_pair.mean(), simclr_algorithm_1(z1, z2, temperature), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("temperature", [0.1, 0.5])
def test_identical_orthogonal_views_give_the_closed_form(temperature):
    # Positive cosine 1, the 2N - 2 negatives cosine 0:
    # l = -log(e^(1/t) / (e^(1/t) + 2N - 2)) = log(1 + (2N - 2) e^(-1/t)).
    n = 4
    z = np.eye(n, 6, dtype="float32") * 3.0
    expected = np.log(1 + (2 * n - 2) * np.exp(-1 / temperature))
    np.testing.assert_allclose(
        np.asarray(nt_xent(z, z, temperature=temperature)), expected, rtol=1e-5, atol=1e-6
    )


def test_symmetric_in_the_views_and_scale_invariant():
    rng = np.random.default_rng(0)
    z1, z2 = rng.normal(size=(2, 6, 8)).astype("float32")
    loss = np.asarray(nt_xent(z1, z2))
    np.testing.assert_allclose(np.asarray(nt_xent(z2, z1)), loss, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(nt_xent(5.0 * z1, 0.1 * z2)), loss, rtol=1e-5)


def test_logits_mask_each_anchor_and_point_at_its_pair():
    z = np.eye(3, dtype="float32")
    logits, labels = nt_xent_logits(z, z, temperature=0.5)
    logits = np.asarray(logits)
    assert logits.shape == (6, 6)
    assert np.asarray(labels).tolist() == [3, 4, 5, 0, 1, 2]
    assert np.all(np.diag(logits) < -1e8)
    np.testing.assert_array_equal(logits.argmax(-1), np.asarray(labels))


def test_computes_in_float32_from_bfloat16():
    rng = np.random.default_rng(0)
    z1, z2 = rng.normal(size=(2, 4, 8)).astype("float32")
    low = nt_xent(keras.ops.cast(z1, "bfloat16"), keras.ops.cast(z2, "bfloat16"))
    assert keras.backend.standardize_dtype(low.dtype) == "float32"
    np.testing.assert_allclose(np.asarray(low), np.asarray(nt_xent(z1, z2)), rtol=0.05)


def test_bad_arguments_are_refused():
    z = np.ones((2, 3), "float32")
    with pytest.raises(ValueError, match="temperature"):
        nt_xent(z, z, temperature=0.0)
    with pytest.raises(ValueError, match="same shape"):
        nt_xent(z, np.ones((3, 3), "float32"))
    with pytest.raises(ValueError, match="temperature"):
        NTXent(temperature=-1)


def test_loss_class_reduces_to_the_mean_and_serializes():
    rng = np.random.default_rng(1)
    z1, z2 = rng.normal(size=(2, 5, 4)).astype("float32")
    loss = NTXent(temperature=0.2)
    np.testing.assert_allclose(
        float(loss(z1, z2)), np.asarray(nt_xent(z1, z2, temperature=0.2)).mean(), rtol=1e-6
    )
    revived = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(loss)
    )
    assert type(revived) is NTXent and revived.temperature == 0.2
    assert keras.saving.get_registered_object("keras_ssl>nt_xent") is keras_ssl.losses.nt_xent
