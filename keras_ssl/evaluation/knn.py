"""Weighted k-nearest-neighbour classification on frozen features.

The kNN monitor of Wu et al. 2018 ("Unsupervised Feature Learning via
Non-Parametric Instance Discrimination", section 3.5), used by most SSL
papers: cosine similarity to every labeled example, the k most similar
vote for their class with weight `exp(similarity / temperature)`, and the
class with the largest total wins.

Reference: https://arxiv.org/abs/1805.01978
"""

import numpy as np
from keras import ops

from keras_ssl.evaluation.features import labeled_features
from keras_ssl.evaluation.label_codes import encode_labels

#: Wu et al. 2018 use temperature 0.07 for the vote weights.
DEFAULT_TEMPERATURE = 0.07


def _l2_normalize(features):
    features = np.asarray(features, "float32")
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    return features / np.maximum(norms, 1e-12)


def knn_predict(
    train_features,
    train_labels,
    query_features,
    k=20,
    temperature=DEFAULT_TEMPERATURE,
    num_classes=None,
    batch_size=1024,
):
    """Predicted class codes of `query_features` by weighted kNN.

    Args:
        train_features: float array `(N, D)`, the labeled examples.
        train_labels: int array `(N,)` of class codes `0..C-1`.
        query_features: float array `(M, D)`.
        k: int. Neighbours that vote; at most N are used.
        temperature: float > 0. A neighbour with cosine similarity `s`
            votes with weight `exp(s / temperature)`.
        num_classes: int or None. C; `max(train_labels) + 1` if None.
        batch_size: int. Queries compared at once (memory `batch_size * N`).

    Returns:
        int array `(M,)` of predicted codes (ties go to the lower code).

    Example:
    >>> knn_predict(np.eye(2), np.array([0, 1]), np.array([[1.0, 0.1]]), k=1)
    array([0])
    """
    if int(k) != k or k < 1:
        raise ValueError(f"k must be a positive int; got {k!r}.")
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0; got {temperature!r}.")
    train_labels = np.asarray(train_labels).astype("int32").reshape(-1)
    if num_classes is None:
        num_classes = int(train_labels.max()) + 1
    k = min(int(k), len(train_labels))
    bank = ops.convert_to_tensor(_l2_normalize(train_features).T)
    bank_labels = ops.convert_to_tensor(train_labels)
    queries = _l2_normalize(query_features)
    predictions = []
    for start in range(0, len(queries), batch_size):
        # (B, D) x (D, N) -> cosine similarity of each query to each example.
        similarity = ops.matmul(ops.convert_to_tensor(queries[start:start + batch_size]), bank)
        top_similarity, top_index = ops.top_k(similarity, k=k)
        weights = ops.exp(top_similarity / temperature)
        # (B, k, C): each neighbour's weight on its own class.
        votes = ops.one_hot(ops.take(bank_labels, top_index), num_classes) * weights[..., None]
        predictions.append(ops.convert_to_numpy(ops.argmax(ops.sum(votes, axis=1), axis=-1)))
    return np.concatenate(predictions).astype("int64")


def knn_accuracy(
    encoder,
    train,
    val,
    k=20,
    temperature=DEFAULT_TEMPERATURE,
    batch_size=256,
):
    """Accuracy of weighted kNN on a frozen encoder's features.

    Args:
        encoder: `keras.Model` mapping inputs to vectors (e.g.
            `model.encoder`); None to use the inputs as features.
        train: the labeled examples that vote: `(x, y)`, `{"image": x,
            "label": y}` or a batched `tf.data.Dataset` of either.
        val: the labeled examples to classify, same forms.
        k: int. Neighbours that vote.
        temperature: float. Vote weight `exp(cosine similarity / T)`.
        batch_size: int. Batch size of the encoder's forward passes.

    Returns:
        float: the fraction of `val` classified correctly.

    Example:
    ```python
    x_train, y_train = keras_ssl.datasets.mnist5k("train")
    x_test, y_test = keras_ssl.datasets.mnist5k("test")
    keras_ssl.evaluation.knn_accuracy(
        model.encoder, (x_train, y_train), (x_test, y_test), k=20
    )
    ```
    """
    train_features, train_labels = labeled_features(encoder, train, batch_size)
    val_features, val_labels = labeled_features(encoder, val, batch_size)
    train_codes, val_codes, classes = encode_labels(train_labels, val_labels)
    predicted = knn_predict(
        train_features,
        train_codes,
        val_features,
        k=k,
        temperature=temperature,
        num_classes=len(classes),
    )
    return float(np.mean(predicted == val_codes))
