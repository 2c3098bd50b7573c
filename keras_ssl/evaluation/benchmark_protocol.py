"""The benchmark protocol: one row of keras_ssl's tables, on any data set.

Frozen features of the official split: a linear probe and weighted kNN with
every training label, then a linear probe, kNN and a fine-tune at fractions
of the labels (1% and 10% by default), each over `draws` stratified label
draws (mean ± std). Fashion-MNIST's table and mnist5k's quick check run the
same code with their own data; the budgets, k and temperature are arguments.
"""

import numpy as np

from keras_ssl.datasets.fashion_mnist_data import fashion_mnist
from keras_ssl.datasets.mnist5k_data import mnist5k
from keras_ssl.datasets.mnist5k_data import per_class_subset
from keras_ssl.evaluation.features import labeled_features
from keras_ssl.evaluation.fine_tune import fine_tune as fine_tune_accuracy
from keras_ssl.evaluation.knn import knn_accuracy
from keras_ssl.evaluation.linear_probe import linear_probe
from keras_ssl.evaluation.markdown_table import markdown_header
from keras_ssl.evaluation.markdown_table import markdown_row

#: Data sets the protocol knows by name: split -> (images, labels).
BENCHMARK_DATA = {"fashion_mnist": fashion_mnist, "mnist5k": mnist5k}

#: Fractions of the training labels of the few-label columns.
DEFAULT_LABEL_FRACTIONS = (0.01, 0.1)

#: kNN as lightly's and solo-learn's benchmarks run it (Wu et al. 2018).
DEFAULT_K = 200
DEFAULT_TEMPERATURE = 0.1

#: What a card's `evaluation` field says of these figures.
BENCHMARK_DESCRIPTION = (
    "keras_ssl.evaluation.benchmark_metrics: on frozen features of the "
    "official split, a linear probe (100 epochs) and weighted kNN (cosine, "
    "k = 200, temperature 0.1) with all training labels; a linear probe, kNN "
    "and a fine-tuned ImageClassifier (its defaults: compile(), fit(epochs=50, "
    "batch_size=32)) at 1% and 10% of the labels, mean and std over 3 "
    "stratified draws (per_class_subset seeds 0, 1, 2); scored on the test split"
)


def fraction_name(fraction):
    """`0.01 -> "1_percent"`: the metric-name suffix of a label fraction."""
    percent = 100 * fraction
    text = f"{percent:g}".replace(".", "_")
    return f"{text}_percent"


def _check_fractions(fractions):
    for fraction in fractions:
        if not 0 < fraction < 1:
            raise ValueError(
                f"label_fractions must be in (0, 1) (all labels are always "
                f"measured); got {fraction!r}."
            )


def _splits(data, subset):
    if isinstance(data, str):
        if data not in BENCHMARK_DATA:
            raise ValueError(
                f"Unknown benchmark data {data!r}; choose one of "
                f"{sorted(BENCHMARK_DATA)}, or pass ((x_train, y_train), "
                f"(x_test, y_test))."
            )
        train, test = BENCHMARK_DATA[data]("train"), BENCHMARK_DATA[data]("test")
    else:
        train, test = data
    if subset is not None:
        train = tuple(array[:subset] for array in train)
        test = tuple(array[: max(1, subset // 4)] for array in test)
    return train, test


def benchmark_metrics(
    encoder,
    data="fashion_mnist",
    label_fractions=DEFAULT_LABEL_FRACTIONS,
    draws=3,
    k=DEFAULT_K,
    temperature=DEFAULT_TEMPERATURE,
    probe_epochs=100,
    fine_tune=True,
    fine_tune_epochs=50,
    fine_tune_kwargs=None,
    seed=0,
    subset=None,
    progress=True,
):
    """The benchmark row of `encoder`: probe, kNN and fine-tune accuracies.

    Args:
        encoder: `keras.Model` mapping images to vectors (e.g.
            `keras_ssl.load_encoder(...)`), or None for raw pixels (no
            fine-tune columns).
        data: `"fashion_mnist"` (60,000 / 10,000, the default), `"mnist5k"`,
            or `((x_train, y_train), (x_test, y_test))`; pixels 0-255.
        label_fractions: fractions of the training labels of the few-label
            columns; `per_class_subset(labels, fraction * N / classes,
            seed=seed + draw)` draws the same images for every encoder.
        draws: int. Label draws per fraction.
        k: int. kNN neighbours (capped at the labelled set's size).
        temperature: float. kNN vote temperature.
        probe_epochs: int. Epochs of each linear probe.
        fine_tune: bool. Add the fine-tune columns (`evaluation.fine_tune`:
            `ImageClassifier` with its defaults, as a user calls it).
        fine_tune_epochs: int. `fit` epochs of each fine-tune (batch 32).
        fine_tune_kwargs: dict or None. More `fine_tune` arguments, e.g.
            `{"train_batch_norm": True}` for the from-scratch baseline.
        seed: int. First draw's seed; also the probes' seed.
        subset: int or None. Use only the first `subset` training images and
            `subset // 4` test images (a smoke run, not a benchmark figure).
        progress: bool. Show a progress bar over the protocol's parts.

    Returns:
        dict of metric name -> float (rounded to 4 places):
        `probe_accuracy_all`, `knn_accuracy_all`, and for each fraction
        (e.g. `1_percent`) `probe_accuracy_1_percent`, `knn_accuracy_...`,
        `fine_tune_accuracy_...`, each with a `..._std`.

    Example:
    ```python
    encoder = keras_ssl.load_encoder("vicreg_convnet_fashion_mnist")
    row = keras_ssl.evaluation.benchmark_metrics(encoder, "fashion_mnist")
    print(keras_ssl.evaluation.benchmark_row("VICReg", row))
    ```
    """
    import keras

    _check_fractions(label_fractions)
    if int(draws) != draws or draws < 1:
        raise ValueError(f"draws must be a positive int; got {draws!r}.")
    (x_train, y_train), (x_test, y_test) = _splits(data, subset)
    fine_tune = fine_tune and encoder is not None
    parts = 3 + len(label_fractions) * draws * (2 if fine_tune else 1)
    bar = keras.utils.Progbar(parts, verbose=1 if progress else 0, unit_name="part")
    train_features, train_labels = labeled_features(encoder, (x_train, y_train))
    test_features, test_labels = labeled_features(encoder, (x_test, y_test))
    test = (test_features, test_labels)
    bar.add(1)

    def probe_and_knn(index):
        labelled = (train_features[index], train_labels[index])
        probe = linear_probe(None, labelled, test, epochs=probe_epochs, seed=seed)
        knn = knn_accuracy(None, labelled, test, k=k, temperature=temperature)
        return probe["accuracy"], knn

    everything = np.arange(len(train_labels))
    metrics = {}
    metrics["probe_accuracy_all"], metrics["knn_accuracy_all"] = probe_and_knn(everything)
    bar.add(2)
    classes = len(np.unique(train_labels))
    for fraction in label_fractions:
        per_class = max(1, int(round(fraction * len(train_labels) / classes)))
        scores = {"probe": [], "knn": [], "fine_tune": []}
        for draw in range(int(draws)):
            index = per_class_subset(train_labels, per_class, seed=seed + draw)
            probe, knn = probe_and_knn(index)
            scores["probe"].append(probe)
            scores["knn"].append(knn)
            bar.add(1)
            if fine_tune:
                result = fine_tune_accuracy(
                    encoder,
                    (x_train[index], y_train[index]),
                    (x_test, y_test),
                    epochs=fine_tune_epochs,
                    seed=seed + draw,
                    **(fine_tune_kwargs or {}),
                )
                scores["fine_tune"].append(result["accuracy"])
                bar.add(1)
        for kind, values in scores.items():
            if values:
                name = f"{kind}_accuracy_{fraction_name(fraction)}"
                metrics[name] = float(np.mean(values))
                metrics[f"{name}_std"] = float(np.std(values))
    return {name: round(float(value), 4) for name, value in metrics.items()}


def benchmark_columns(metrics):
    """The table's columns present in `metrics`, in order: (metric, title)."""
    columns = [("probe_accuracy_all", "probe, all labels"), ("knn_accuracy_all", "kNN, all labels")]
    fractions = sorted(
        {name[len("probe_accuracy_"):] for name in metrics
         if name.startswith("probe_accuracy_") and name.endswith("_percent")},
        key=lambda suffix: float(suffix[: -len("_percent")].replace("_", ".")),
    )
    for suffix in fractions:
        label = suffix[: -len("_percent")].replace("_", ".") + "%"
        for kind, title in (("probe", "probe"), ("knn", "kNN"), ("fine_tune", "fine-tuned")):
            if f"{kind}_accuracy_{suffix}" in metrics:
                columns.append((f"{kind}_accuracy_{suffix}", f"{title}, {label}"))
    return columns


def benchmark_header(metrics):
    """The Markdown header (two lines) of a table of `metrics` rows."""
    return markdown_header(benchmark_columns(metrics))


def benchmark_row(name, metrics):
    """One Markdown row: accuracies in %, with ± std over draws where drawn."""
    return markdown_row(name, metrics, benchmark_columns(metrics))
