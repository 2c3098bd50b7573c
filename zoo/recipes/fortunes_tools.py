"""What the two fortunes recipes share: data, the shipped held-out texts and
the topic-probe figures (issue 17's protocol, `keras_ssl.evaluation.
fortunes_protocol`).

Each fortunes preset ships `heldout_topics.json`: 30 labeled fortunes per
topic from the topic task's train split and 30 from its test split, so its
`heldout_probe_accuracy` (the same probe, trained on the first, scored on
the second) can be recomputed offline, without the fortune files.
"""

import json

import keras_ssl
from keras_ssl.datasets.mnist5k_data import per_class_subset
from keras_ssl.evaluation.fortunes_protocol import fortunes_topic_metrics
from keras_ssl.evaluation.fortunes_protocol import heldout_topics_accuracy

HELDOUT_FILE = "heldout_topics.json"
HELDOUT_PER_CLASS = 30


def unlabeled_fortunes():
    """Every fortune of >= 5 words (the pretraining text)."""
    texts, _, _ = keras_ssl.datasets.fortunes()
    return texts


def heldout_topics():
    """The shipped held-out set as a dict (train/test texts and labels)."""
    (x_train, y_train), (x_test, y_test), names = keras_ssl.datasets.fortunes_topics()
    train = per_class_subset(y_train, HELDOUT_PER_CLASS, seed=0)
    test = per_class_subset(y_test, HELDOUT_PER_CLASS, seed=0)
    return {
        "categories": list(names),
        "train_texts": [x_train[i] for i in train],
        "train_labels": [int(y_train[i]) for i in train],
        "test_texts": [x_test[i] for i in test],
        "test_labels": [int(y_test[i]) for i in test],
    }


def topic_metrics(encoder, heldout):
    """The card's probe figures: full protocol, the shipped subset, and the
    same protocol on issue 33's held-out topics (`other_topics_*`)."""
    metrics = fortunes_topic_metrics(encoder)
    metrics["heldout_probe_accuracy"] = heldout_topics_accuracy(encoder, heldout)
    other = fortunes_topic_metrics(
        encoder, categories=keras_ssl.datasets.HELDOUT_TOPIC_CATEGORIES
    )
    metrics.update({f"other_topics_{key}": value for key, value in other.items()})
    return {key: round(value, 4) for key, value in metrics.items()}


def heldout_file(heldout):
    return json.dumps(heldout, ensure_ascii=False)


DATA = (
    "Debian's fortunes package (apt-get install fortunes; files under "
    "/usr/share/games/fortunes): all {count:,} fortunes of >= 5 words, every "
    "category, unlabeled"
)
SPLIT = (
    "pretraining on every fortune (the topic test texts included, unlabeled, "
    "as TF-IDF is fit in the protocol); probe figures on issue 17's six-topic "
    "task (keras_ssl.datasets.fortunes_topics, 70/30 stratified, "
    "random_state=0), LogisticRegression(max_iter=3000) on StandardScaler-ed "
    "features, 20 per class = mean of 5 draws; heldout_probe_accuracy: the "
    "same probe on heldout_topics.json (30 per class from each split); "
    "other_topics_*: the same protocol on issue 33's six held-out topics "
    "(keras_ssl.datasets.HELDOUT_TOPIC_CATEGORIES), never used to choose a "
    "recipe"
)
