import keras
import numpy as np
import pytest

from keras_ssl.losses import deepcluster_loss
from keras_ssl.methods.spherical_kmeans import kmeans_init
from keras_ssl.methods.spherical_kmeans import spherical_kmeans

to_numpy = keras.ops.convert_to_numpy


def numpy_deepcluster_loss(scores, assignments, temperature=0.1):
    """The paper's DeepCluster-v2 loss, literally (float64): for each head,
    the cross-entropy of all views' scores / T (stacked) against the
    example's assignment repeated once per view, averaged; then averaged
    over the heads. Returns the mean over the batch."""
    loss = 0.0
    for head_scores, targets in zip(scores, assignments):
        logits = np.concatenate(head_scores) / temperature
        labels = np.tile(targets, len(head_scores))
        logits = logits - logits.max(axis=1, keepdims=True)
        log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        loss += -np.mean(log_p[np.arange(len(labels)), labels])
    return loss / len(scores)


def numpy_spherical_kmeans(features, centroids, iterations):
    """Spherical k-means as the paper describes it, one cluster at a time:
    assign each feature to the centroid of largest dot product; move every
    non-empty cluster's centroid to its features' mean, renormalised; an
    empty cluster keeps its centroid. Final assignments to the final
    centroids."""
    centroids = centroids.copy()
    for _ in range(iterations):
        assignments = np.argmax(features @ centroids.T, axis=1)
        for k in range(len(centroids)):
            members = features[assignments == k]
            if len(members):
                mean = members.mean(axis=0)
                centroids[k] = mean / np.linalg.norm(mean)
    return centroids, np.argmax(features @ centroids.T, axis=1)


def unit(rng, n, d):
    x = rng.normal(size=(n, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def unit_scores(rng, n, k, d=8):
    """Cosine similarities of random unit features and centroids."""
    return unit(rng, n, d) @ unit(rng, k, d).T


@pytest.mark.parametrize("heads, views, k, temperature", [(3, 2, 16, 0.1), (1, 4, 5, 0.5)])
def test_loss_matches_the_papers_cross_entropy(heads, views, k, temperature):
    rng = np.random.default_rng(heads * 10 + views)
    scores = [[unit_scores(rng, 8, k) for _ in range(views)] for _ in range(heads)]
    targets = [rng.integers(0, k, size=8) for _ in range(heads)]
    loss = to_numpy(deepcluster_loss(
        [[s.astype("float32") for s in head] for head in scores], targets, temperature
    ))
    assert loss.shape == (8,)
    np.testing.assert_allclose(
        loss.mean(), numpy_deepcluster_loss(scores, targets, temperature), rtol=1e-5
    )


def test_loss_closed_forms_and_bad_arguments():
    # Equal scores: every cluster has probability 1/K, the loss is ln K.
    flat = np.zeros((4, 7), "float32")
    loss = to_numpy(deepcluster_loss([[flat, flat]], [np.zeros(4, "int32")]))
    np.testing.assert_allclose(loss, np.log(7), rtol=1e-6)
    # A confident, right prediction costs about nothing.
    sharp = np.eye(4, dtype="float32") * 10.0
    loss = to_numpy(deepcluster_loss([[sharp]], [np.arange(4)], temperature=0.1))
    assert np.all(loss < 1e-6)
    with pytest.raises(ValueError, match="temperature"):
        deepcluster_loss([[flat]], [np.zeros(4)], temperature=0.0)
    with pytest.raises(ValueError, match="one vector of assignments per head"):
        deepcluster_loss([[flat], [flat]], [np.zeros(4)])
    with pytest.raises(ValueError, match=r"\(n, K\)"):
        deepcluster_loss([[flat[0]]], [np.zeros(4)])


def test_the_gradient_reaches_the_scores_only():
    if keras.backend.backend() != "jax":
        pytest.skip("one backend's autodiff is enough for a plain function")
    import jax

    rng = np.random.default_rng(1)
    scores = unit_scores(rng, 6, 5).astype("float32")
    targets = rng.integers(0, 5, size=6)
    grad = jax.grad(lambda s: keras.ops.mean(deepcluster_loss([[s]], [targets], 0.1)))(scores)
    # d/ds of mean CE(softmax(s / T), y) = (softmax(s / T) - onehot(y)) / (T n).
    p = np.exp(scores / 0.1) / np.exp(scores / 0.1).sum(axis=1, keepdims=True)
    expected = (p - np.eye(5)[targets]) / (0.1 * 6)
    np.testing.assert_allclose(to_numpy(grad), expected, atol=1e-5)


@pytest.mark.parametrize("n, k, d, iterations", [(64, 5, 8, 10), (30, 7, 4, 3)])
def test_spherical_kmeans_matches_a_numpy_transcription(n, k, d, iterations):
    rng = np.random.default_rng(n)
    features = unit(rng, n, d)
    start = features[rng.choice(n, size=k, replace=False)]
    centroids, assignments = spherical_kmeans(
        features.astype("float32"), start.astype("float32"), iterations
    )
    expected_centroids, expected_assignments = numpy_spherical_kmeans(features, start, iterations)
    np.testing.assert_allclose(to_numpy(centroids), expected_centroids, atol=1e-5)
    np.testing.assert_array_equal(to_numpy(assignments), expected_assignments)
    np.testing.assert_allclose(np.linalg.norm(to_numpy(centroids), axis=1), 1.0, atol=1e-5)


def test_an_empty_cluster_keeps_its_centroid_and_clear_clusters_are_found():
    rng = np.random.default_rng(2)
    # Two tight groups around +e1 and +e2; the third start (-e1) wins no feature.
    groups = np.concatenate([np.eye(3)[0] + 0.05 * rng.normal(size=(10, 3)),
                             np.eye(3)[1] + 0.05 * rng.normal(size=(10, 3))])
    features = groups / np.linalg.norm(groups, axis=1, keepdims=True)
    start = np.stack([features[0], features[10], -np.eye(3)[0]])
    centroids, assignments = spherical_kmeans(
        features.astype("float32"), start.astype("float32"), iterations=5
    )
    np.testing.assert_allclose(to_numpy(centroids)[2], -np.eye(3)[0], atol=1e-6)
    np.testing.assert_array_equal(to_numpy(assignments), [0] * 10 + [1] * 10)


def test_kmeans_init_draws_distinct_rows_reproducibly_from_the_seed():
    features = unit(np.random.default_rng(3), 20, 4).astype("float32")
    draws = [to_numpy(kmeans_init(features, 6, keras.random.SeedGenerator(7))) for _ in range(2)]
    np.testing.assert_array_equal(draws[0], draws[1])
    rows = [int(np.argmin(np.abs(features - row).sum(axis=1))) for row in draws[0]]
    assert len(set(rows)) == 6
    np.testing.assert_allclose(draws[0], features[rows])
    generator = keras.random.SeedGenerator(7)
    first, second = kmeans_init(features, 6, generator), kmeans_init(features, 6, generator)
    assert not np.array_equal(to_numpy(first), to_numpy(second))  # the generator advances
    with pytest.raises(ValueError, match="cannot make 21 clusters of 20 features"):
        kmeans_init(features, 21, generator)
    with pytest.raises(ValueError, match="iterations"):
        spherical_kmeans(features, features[:3], iterations=0)
