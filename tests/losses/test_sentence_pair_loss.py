import numpy as np
import pytest

from keras_ssl.losses.sentence_pair_loss import sentence_pair_loss


def test_matches_numpy_binary_cross_entropy():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(16, 1)).astype("float32") * 3
    labels = rng.integers(0, 2, 16)
    # BERT's two-way softmax with logits (0, z): p(label 1) = sigmoid(z).
    p = 1 / (1 + np.exp(-logits[:, 0].astype("float64")))
    expected = -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p))
    np.testing.assert_allclose(float(sentence_pair_loss(labels, logits)), expected, rtol=1e-5)


def test_closed_forms_and_shape_check():
    np.testing.assert_allclose(
        float(sentence_pair_loss(np.array([0, 1]), np.zeros(2))), np.log(2), rtol=1e-6
    )
    assert float(sentence_pair_loss(np.array([1, 0]), np.array([30.0, -30.0]))) < 1e-6
    with pytest.raises(ValueError, match="one label per logit"):
        sentence_pair_loss(np.zeros(3), np.zeros(2))
