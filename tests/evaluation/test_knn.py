import numpy as np
import pytest

from keras_ssl.evaluation import knn_accuracy
from keras_ssl.evaluation import knn_predict


def brute_force_knn(train, labels, queries, k, temperature, classes):
    """Wu et al. 2018's weighted kNN, one query at a time, in float64."""
    train = train / np.linalg.norm(train, axis=1, keepdims=True)
    predictions = []
    for query in queries:
        query = query / np.linalg.norm(query)
        similarity = np.array([float(np.dot(query, row)) for row in train])
        neighbours = np.argsort(-similarity)[:k]
        votes = np.zeros(classes)
        for index in neighbours:
            votes[labels[index]] += np.exp(similarity[index] / temperature)
        predictions.append(int(np.argmax(votes)))
    return np.array(predictions)


@pytest.mark.parametrize("k, temperature", [(1, 0.07), (5, 0.07), (20, 0.5), (200, 1.0)])
def test_matches_brute_force_numpy(k, temperature):
    rng = np.random.default_rng(k)
    train = rng.normal(size=(150, 8))
    labels = rng.integers(0, 5, 150)
    queries = rng.normal(size=(60, 8))
    expected = brute_force_knn(train, labels, queries, min(k, 150), temperature, 5)
    actual = knn_predict(train, labels, queries, k=k, temperature=temperature, batch_size=16)
    np.testing.assert_array_equal(actual, expected)
    # Not a constant answer: the test would catch a broken vote.
    assert len(np.unique(expected)) > 1


def test_accuracy_is_fraction_correct_and_scale_invariant():
    rng = np.random.default_rng(0)
    train = rng.normal(size=(100, 6))
    labels = rng.integers(0, 3, 100)
    val = rng.normal(size=(40, 6))
    val_labels = rng.integers(0, 3, 40)
    predicted = brute_force_knn(train, labels, val, 10, 0.07, 3)
    expected = np.mean(predicted == val_labels)
    assert knn_accuracy(None, (train, labels), (val, val_labels), k=10) == pytest.approx(expected)
    # Cosine similarity ignores the length of each vector.
    scaled = knn_accuracy(None, (train * 7.0, labels), (val * 0.01, val_labels), k=10)
    assert scaled == pytest.approx(expected)


def test_separated_clusters_are_classified_perfectly():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 4, 80)
    features = np.eye(4)[labels] + 0.05 * rng.normal(size=(80, 4))
    train = (features[:60], labels[:60])
    assert knn_accuracy(None, train, (features[60:], labels[60:]), k=5) == 1.0


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="k must"):
        knn_predict(np.eye(2), [0, 1], np.eye(2), k=0)
    with pytest.raises(ValueError, match="temperature"):
        knn_predict(np.eye(2), [0, 1], np.eye(2), temperature=0)
