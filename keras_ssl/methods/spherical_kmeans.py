"""Spherical k-means on unit vectors, in `keras.ops` (DeepCluster-v2's clustering)."""

import keras
from keras import ops

__all__ = []


def _check_features(features, num_clusters):
    if len(features.shape) != 2:
        raise ValueError(
            f"k-means takes features of shape (N, D); got shape "
            f"{tuple(features.shape)}."
        )
    rows = features.shape[0]
    if rows is not None and int(num_clusters) > rows:
        raise ValueError(
            f"k-means cannot make {num_clusters} clusters of {rows} features: "
            f"use num_clusters <= the number of features (a larger memory "
            f"bank, or fewer prototypes)."
        )


def kmeans_init(features, num_clusters, seed):
    """`num_clusters` distinct rows of `features`, drawn at random.

    The usual k-means start (and DeepCluster-v2's): the initial centroids
    are examples of the data, chosen without replacement.

    Args:
        features: `(N, D)` float tensor.
        num_clusters: int, at most N.
        seed: `keras.random.SeedGenerator` (the model's) or int.

    Returns:
        float32 `(num_clusters, D)` rows of `features`.
    """
    _check_features(features, num_clusters)
    features = ops.cast(features, "float32")
    noise = keras.random.uniform((ops.shape(features)[0],), seed=seed)
    # The rows with the largest noise: a uniform draw without replacement.
    _, chosen = ops.top_k(noise, int(num_clusters))
    return ops.take(features, chosen, axis=0)


def spherical_kmeans(features, centroids, iterations=10):
    """Lloyd's iterations of k-means on the unit sphere, from `centroids`.

    Each iteration assigns every feature to the centroid of largest cosine
    similarity (the features and centroids are unit vectors, so this is the
    nearest centroid), then moves each centroid to the normalised mean of
    its features. A cluster left empty keeps its centroid (Caron et al.
    2020 keep it too). The final assignments are those of the returned
    centroids. All in `keras.ops`, on the device, without gradients.

    Reference: https://arxiv.org/abs/2006.09882 (Sec. 3.1 and App. B.3:
    DeepCluster-v2 runs spherical k-means on a memory bank each epoch)

    Args:
        features: `(N, D)` unit-norm features.
        centroids: `(K, D)` initial centroids (e.g. `kmeans_init`), K <= N.
        iterations: int >= 1. Assignment-update iterations.

    Returns:
        `(centroids, assignments)`: float32 `(K, D)` unit-norm centroids and
        int32 `(N,)` the index of each feature's centroid.

    Example:
    ```python
    z = keras.ops.normalize(np.random.randn(64, 8), axis=-1)
    start = kmeans_init(z, 4, seed=keras.random.SeedGenerator(0))
    centroids, assignments = spherical_kmeans(z, start, iterations=10)
    ```
    """
    if int(iterations) != iterations or iterations < 1:
        raise ValueError(f"iterations must be an int >= 1; got {iterations!r}.")
    num_clusters = centroids.shape[0]
    _check_features(features, num_clusters)
    features = ops.stop_gradient(ops.cast(features, "float32"))
    centroids = ops.stop_gradient(ops.cast(centroids, "float32"))
    for _ in range(int(iterations)):
        assignments = ops.argmax(ops.matmul(features, ops.transpose(centroids)), axis=1)
        members = ops.one_hot(assignments, num_clusters, dtype="float32")  # (N, K)
        sums = ops.matmul(ops.transpose(members), features)  # (K, D)
        counts = ops.sum(members, axis=0)[:, None]
        centroids = ops.where(counts > 0, ops.normalize(sums, axis=1), centroids)
    assignments = ops.argmax(ops.matmul(features, ops.transpose(centroids)), axis=1)
    return centroids, ops.cast(assignments, "int32")
