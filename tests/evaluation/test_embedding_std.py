import numpy as np
import pytest

from keras_ssl.evaluation import embedding_std


def test_constant_embeddings_give_zero():
    assert embedding_std(np.tile([[0.3, -2.0, 5.0]], (50, 1))) == pytest.approx(0.0, abs=1e-7)
    # Same direction, different lengths: still collapsed after normalising.
    lengths = np.linspace(1, 10, 50)[:, None]
    assert embedding_std(lengths * np.array([[1.0, 2.0, 2.0]])) == pytest.approx(0.0, abs=1e-7)


@pytest.mark.parametrize("dim", [16, 128])
def test_random_gaussian_embeddings_give_one_over_sqrt_d(dim):
    embeddings = np.random.default_rng(dim).normal(size=(4000, dim))
    assert embedding_std(embeddings) == pytest.approx(1 / np.sqrt(dim), rel=0.03)


def test_matches_numpy_formula():
    embeddings = np.random.default_rng(0).uniform(size=(30, 5))
    normalized = embeddings / np.sqrt((embeddings**2).sum(axis=1, keepdims=True))
    per_dimension = np.sqrt(((normalized - normalized.mean(axis=0)) ** 2).mean(axis=0))
    assert embedding_std(embeddings) == pytest.approx(per_dimension.mean(), rel=1e-9)


def test_needs_a_batch_of_vectors():
    with pytest.raises(ValueError, match="at least 2 vectors"):
        embedding_std(np.ones((1, 4)))
