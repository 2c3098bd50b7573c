import numpy as np
import pytest

from keras_ssl.evaluation.fortunes_protocol import heldout_topics_accuracy
from keras_ssl.evaluation.fortunes_protocol import probe_accuracy
from keras_ssl.evaluation.fortunes_protocol import topic_probe_metrics


def blobs(per_class, seed, noise):
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(3), per_class)
    centres = np.eye(3, 5) * 4.0
    return centres[labels] + noise * rng.normal(size=(len(labels), 5)), labels


def test_probe_scores_separable_and_random_features():
    x_train, y_train = blobs(40, 0, 0.5)
    x_test, y_test = blobs(20, 1, 0.5)
    metrics = topic_probe_metrics(x_train, y_train, x_test, y_test, draws=2)
    assert metrics == {"probe_accuracy_20_per_class": 1.0, "probe_accuracy_all": 1.0}
    noise = np.random.default_rng(2).normal(size=x_train.shape)
    assert probe_accuracy(noise, y_train, np.zeros_like(x_test), y_test) <= 0.5


def test_sparse_features_are_scaled_without_centring():
    scipy_sparse = pytest.importorskip("scipy.sparse")
    x_train, y_train = blobs(30, 0, 0.3)
    x_test, y_test = blobs(10, 1, 0.3)
    dense = probe_accuracy(np.abs(x_train), y_train, np.abs(x_test), y_test)
    sparse = probe_accuracy(
        scipy_sparse.csr_matrix(np.abs(x_train)), y_train,
        scipy_sparse.csr_matrix(np.abs(x_test)), y_test,
    )
    assert sparse == dense == 1.0


class Lookup:
    """An 'encoder' mapping known texts to fixed vectors."""

    def __init__(self, table):
        self.table = table

    def predict(self, texts, verbose=0):
        return np.stack([self.table[text] for text in texts])


def test_heldout_topics_accuracy_trains_on_train_and_scores_test():
    x, y = blobs(8, 0, 0.2)
    texts = [f"text {i}" for i in range(len(y))]
    heldout = {
        "train_texts": texts[::2], "train_labels": y[::2].tolist(),
        "test_texts": texts[1::2], "test_labels": y[1::2].tolist(),
    }
    encoder = Lookup(dict(zip(texts, x)))
    assert heldout_topics_accuracy(encoder, heldout) == 1.0
    heldout["test_labels"] = ((y[1::2] + 1) % 3).tolist()
    assert heldout_topics_accuracy(encoder, heldout) == 0.0
