"""The benchmark protocol: one code path, its figures equal to the parts it
is made of, and its table formatting."""

import numpy as np
import pytest

import keras_ssl
from keras_ssl.datasets import per_class_subset
from keras_ssl.evaluation import benchmark_header
from keras_ssl.evaluation import benchmark_metrics
from keras_ssl.evaluation import benchmark_row
from keras_ssl.evaluation import knn_accuracy
from keras_ssl.evaluation import labeled_features
from keras_ssl.evaluation import linear_probe
from keras_ssl.evaluation.benchmark_protocol import fraction_name
from test_case import mnist5k_subset
from test_case import tiny_conv_net

TRAIN = mnist5k_subset("train", per_class=20)  # 200 digits
TEST = mnist5k_subset("test", size=60)


def test_fraction_names():
    assert [fraction_name(f) for f in (0.01, 0.1, 0.5, 0.005)] == [
        "1_percent", "10_percent", "50_percent", "0_5_percent",
    ]


def test_the_row_is_its_parts():
    encoder = tiny_conv_net()
    metrics = benchmark_metrics(
        encoder, (TRAIN, TEST), label_fractions=(0.1,), draws=2, k=200,
        temperature=0.1, probe_epochs=3, fine_tune_epochs=1, progress=False,
    )
    train_features, train_labels = labeled_features(encoder, TRAIN)
    test_features = labeled_features(encoder, TEST)
    everything = linear_probe(None, (train_features, train_labels), test_features, epochs=3)
    assert metrics["probe_accuracy_all"] == round(everything["accuracy"], 4)
    knn_all = knn_accuracy(None, (train_features, train_labels), test_features, k=200,
                           temperature=0.1)
    assert metrics["knn_accuracy_all"] == round(knn_all, 4)
    # 10% of 200 = 2 per class, drawn with seeds 0 and 1 for every encoder.
    knn_draws = []
    for draw in range(2):
        index = per_class_subset(train_labels, 2, seed=draw)
        knn_draws.append(knn_accuracy(
            None, (train_features[index], train_labels[index]), test_features,
            k=200, temperature=0.1,
        ))
    assert metrics["knn_accuracy_10_percent"] == round(np.mean(knn_draws), 4)
    assert metrics["knn_accuracy_10_percent_std"] == round(np.std(knn_draws), 4)
    assert sorted(metrics) == sorted([
        "probe_accuracy_all", "knn_accuracy_all",
        *(f"{kind}_accuracy_10_percent{std}" for kind in ("probe", "knn", "fine_tune")
          for std in ("", "_std")),
    ])
    assert all(0.0 <= value <= 1.0 for value in metrics.values())


def test_raw_pixels_have_no_fine_tune_columns_and_the_table_reads():
    metrics = benchmark_metrics(
        None, (TRAIN, TEST), label_fractions=(0.05, 0.5), draws=1, probe_epochs=2,
        progress=False,
    )
    assert not any(name.startswith("fine_tune") for name in metrics)
    header = benchmark_header(metrics)
    assert header.splitlines()[0] == (
        "| encoder | probe, all labels | kNN, all labels | probe, 5% | kNN, 5% "
        "| probe, 50% | kNN, 50% |"
    )
    row = benchmark_row("pixels", metrics).split(" | ")
    assert row[0] == "| pixels" and len(row) == 7
    assert row[3] == f"{100 * metrics['probe_accuracy_5_percent']:.1f} ± 0.0"


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="label_fractions must be in \\(0, 1\\)"):
        benchmark_metrics(None, (TRAIN, TEST), label_fractions=(1.0,))
    with pytest.raises(ValueError, match="Unknown benchmark data 'cifar'"):
        benchmark_metrics(None, "cifar")
    with pytest.raises(ValueError, match="draws must be a positive int"):
        benchmark_metrics(None, (TRAIN, TEST), draws=0)
