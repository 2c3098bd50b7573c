import keras_ssl


def test_mnist5k_metrics_names_each_budget_and_repeats_exactly():
    first = keras_ssl.evaluation.mnist5k_metrics(None, labels_per_class=(10,), draws=1)
    assert sorted(first) == ["knn_accuracy_10_per_class", "probe_accuracy_10_per_class"]
    # Raw pixels: well above chance (10%), below what pretraining reaches.
    assert 0.6 < first["probe_accuracy_10_per_class"] < 0.85
    # Same subsets, zero-initialised probes: the protocol is deterministic,
    # which is what lets tests/zoo recompute the presets' cards.
    again = keras_ssl.evaluation.mnist5k_metrics(None, labels_per_class=(10,), draws=1)
    assert again == first
