"""The Markdown table of `fsdd_metrics` rows (issue 32's audio table)."""

from keras_ssl.evaluation.markdown_table import markdown_header
from keras_ssl.evaluation.markdown_table import markdown_row


def fsdd_columns(metrics=None):
    """The table's columns present in `metrics`, in order: (metric, title)."""
    names = metrics or {"probe_accuracy_all": 0.0, "probe_accuracy_5_per_class": 0.0}
    few = next((name[len("probe_accuracy_"):] for name in names
                if name.startswith("probe_accuracy_") and name.endswith("_per_class")
                and "held_out" not in name), "5_per_class")
    budget = few.split("_")[0] + "/class"
    columns = []
    for kind, title in (("probe", "probe"), ("fine_tune", "fine-tuned")):
        columns += [
            (metric, heading) for metric, heading in (
                (f"{kind}_accuracy_all", f"{title}, all labels"),
                (f"{kind}_accuracy_{few}", f"{title}, {budget}"),
                (f"{kind}_accuracy_held_out_all", f"{title}, new speaker, all labels"),
                (f"{kind}_accuracy_held_out_{few}", f"{title}, new speaker, {budget}"),
            )
            if kind == "probe" or metric in names
        ]
    return columns


def fsdd_header(metrics=None):
    """The Markdown header (two lines) of a table of `fsdd_metrics` rows.

    Args:
        metrics: dict or None. A row's metrics: adds the fine-tuned columns
            when it has them; None gives the probe columns.

    Example:
    >>> print(fsdd_header())
    | encoder | probe, all labels | probe, 5/class | ...
    """
    return markdown_header(fsdd_columns(metrics))


def fsdd_row(name, metrics):
    """One Markdown row: accuracies in %, ± std over draws (5/class) or over
    the six held-out speakers (new speaker).

    Args:
        name: str. The row's label.
        metrics: dict returned by `fsdd_metrics`.

    Example:
    >>> fsdd_row("log-mel", fsdd_metrics("log_mel", path))
    '| log-mel | 94.7 | 64.5 ± 1.9 | 54.0 ± 11.7 | 42.3 ± 8.9 |'
    """
    return markdown_row(name, metrics, fsdd_columns(metrics))
