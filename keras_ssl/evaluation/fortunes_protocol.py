"""Issue 17's text protocol: a logistic-regression probe on fortune topics.

Features (of an encoder, or given) of the six-topic task
(`keras_ssl.datasets.fortunes_topics`), standardized with scikit-learn's
`StandardScaler` (fit on the labeled training texts) and probed with
`LogisticRegression(max_iter=3000)`, with all training labels and with 20
per class (`per_class_subset`, draws 0..draws-1, mean reported).
"""

import numpy as np

from keras_ssl.datasets.mnist5k_data import per_class_subset

#: Labels per class of the low-label budget.
FEW_LABELS = 20


def probe_accuracy(train_features, y_train, test_features, y_test):
    """Test accuracy of `LogisticRegression(max_iter=3000)` on
    `StandardScaler`-ed features (the scaler fit on the training rows)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler(with_mean=not _is_sparse(train_features))
    train = scaler.fit_transform(train_features)
    test = scaler.transform(test_features)
    probe = LogisticRegression(max_iter=3000)
    probe.fit(train, y_train)
    return float(np.mean(probe.predict(test) == np.asarray(y_test)))


def _is_sparse(features):
    return hasattr(features, "tocsr")


def topic_probe_metrics(train_features, y_train, test_features, y_test, draws=5):
    """`{"probe_accuracy_20_per_class": mean over draws, "probe_accuracy_all"}`.

    Args:
        train_features: `(N, D)` array (or scipy sparse matrix) of the
            training texts' features.
        y_train: int labels `(N,)`.
        test_features: features of the test texts.
        y_test: int labels.
        draws: int. Draws of the 20-per-class subset (seeds 0..draws-1).

    Example:
    ```python
    (x_train, y_train), (x_test, y_test), _ = keras_ssl.datasets.fortunes_topics()
    metrics = topic_probe_metrics(
        encoder.predict(x_train), y_train, encoder.predict(x_test), y_test
    )
    ```
    """
    few = []
    for draw in range(draws):
        index = per_class_subset(y_train, FEW_LABELS, seed=draw)
        few.append(
            probe_accuracy(train_features[index], np.asarray(y_train)[index],
                           test_features, y_test)
        )
    return {
        f"probe_accuracy_{FEW_LABELS}_per_class": float(np.mean(few)),
        "probe_accuracy_all": probe_accuracy(train_features, y_train, test_features, y_test),
    }


def fortunes_topic_metrics(encoder, draws=5, batch_size=256, categories=None):
    """`topic_probe_metrics` of `encoder`'s features on the fortune topics.

    Needs Debian's fortune files (`apt-get install fortunes`).

    Args:
        encoder: a text encoder (strings to vectors).
        draws: int. Draws of the 20-per-class subset.
        batch_size: int. Of `encoder.predict`.
        categories: None (the protocol's `TOPIC_CATEGORIES`) or a sequence
            of categories, e.g. `keras_ssl.datasets.HELDOUT_TOPIC_CATEGORIES`.

    Example:
    ```python
    encoder = keras_ssl.load_encoder("simcse_transformer_fortunes")
    keras_ssl.evaluation.fortunes_topic_metrics(encoder)
    keras_ssl.evaluation.fortunes_topic_metrics(
        encoder, categories=keras_ssl.datasets.HELDOUT_TOPIC_CATEGORIES
    )
    ```
    """
    from keras_ssl.datasets.fortunes_data import TOPIC_CATEGORIES
    from keras_ssl.datasets.fortunes_data import fortunes_topics

    (x_train, y_train), (x_test, y_test), _ = fortunes_topics(
        categories=categories or TOPIC_CATEGORIES
    )
    train = np.asarray(encoder.predict(x_train, batch_size=batch_size, verbose=0))
    test = np.asarray(encoder.predict(x_test, batch_size=batch_size, verbose=0))
    return topic_probe_metrics(train, y_train, test, y_test, draws=draws)


def heldout_topics_accuracy(encoder, heldout):
    """The probe on a fortunes preset's shipped `heldout_topics.json` (a dict
    of `train_texts`, `train_labels`, `test_texts`, `test_labels`): trained
    on the first pair, scored on the second. Needs no fortune files."""
    train = np.asarray(encoder.predict(heldout["train_texts"], verbose=0))
    test = np.asarray(encoder.predict(heldout["test_texts"], verbose=0))
    return probe_accuracy(train, heldout["train_labels"], test, heldout["test_labels"])
