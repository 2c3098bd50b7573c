"""The zoo's measurement of an image encoder on mnist5k."""

from keras_ssl.datasets import mnist5k
from keras_ssl.evaluation.label_efficiency import label_efficiency

#: Label budgets of the zoo's cards: labels per class, then all 4,000.
PROTOCOL_LABELS_PER_CLASS = (1, 10, 100, "all")

#: Random labeled subsets drawn per budget (their mean is reported).
PROTOCOL_DRAWS = 5


def _metric_suffix(budget):
    return "all" if budget == "all" else f"{budget}_per_class"


def mnist5k_metrics(
    encoder, labels_per_class=PROTOCOL_LABELS_PER_CLASS, draws=PROTOCOL_DRAWS
):
    """Probe and kNN accuracy of `encoder` on mnist5k's test split.

    The protocol every image preset's card reports, and the zoo test
    recomputes: features of mnist5k's 4,000 train and 1,000 test digits;
    for each budget, `draws` class-balanced subsets of the train split
    (seeds 0.. `draws - 1`), a 100-epoch linear probe (zero-initialised,
    standardised features) and a weighted 20-NN classifier, each scored on
    the test split and averaged over the draws. `"all"` uses every train
    label once.

    Args:
        encoder: `keras.Model` mapping (28, 28, 1) digits to vectors, or
            None for raw pixels.
        labels_per_class: sequence of ints and/or `"all"`.
        draws: int. Subsets per budget.

    Returns:
        dict of metric name -> float: `probe_accuracy_<budget>` and
        `knn_accuracy_<budget>`, where budget is `10_per_class` or `all`.

    Example:
    ```python
    encoder = keras_ssl.load_encoder("simclr_convnet_mnist5k")
    keras_ssl.evaluation.mnist5k_metrics(encoder)["probe_accuracy_all"]
    ```
    """
    rows = label_efficiency(
        encoder,
        train=mnist5k("train"),
        test=mnist5k("test"),
        labels_per_class=labels_per_class,
        draws=draws,
    )
    metrics = {}
    for row in rows:
        suffix = _metric_suffix(row["labels_per_class"])
        metrics[f"probe_accuracy_{suffix}"] = round(row["probe_accuracy"], 4)
        metrics[f"knn_accuracy_{suffix}"] = round(row["knn_accuracy"], 4)
    return metrics
