"""Markdown tables of metric dicts, shared by the benchmark and FSDD tables.

A table is given by its columns: `(metric, title)` pairs. Accuracies are
shown in %, with `± std` where the metrics hold `{metric}_std` (a spread
over label draws or over held-out speakers).
"""


def markdown_header(columns):
    """The two header lines of a table with these `(metric, title)` columns.

    Example:
    >>> print(markdown_header([("probe_accuracy_all", "probe")]))
    | encoder | probe |
    |---|---:|
    """
    titles = [title for _, title in columns]
    return "| encoder | " + " | ".join(titles) + " |\n|---|" + "---:|" * len(titles)


def markdown_row(name, metrics, columns):
    """One row: `name`, then each column's metric in %, ± its std if any
    (`-` where `metrics` lacks the column, e.g. raw pixels' fine-tuning).

    Example:
    >>> markdown_row("pixels", {"a": 0.5, "a_std": 0.01}, [("a", "A"), ("b", "B")])
    '| pixels | 50.0 ± 1.0 | - |'
    """
    cells = []
    for metric, _ in columns:
        if metric not in metrics:
            cells.append("-")
            continue
        cell = f"{100 * metrics[metric]:.1f}"
        if f"{metric}_std" in metrics:
            cell += f" ± {100 * metrics[metric + '_std']:.1f}"
        cells.append(cell)
    return f"| {name} | " + " | ".join(cells) + " |"
