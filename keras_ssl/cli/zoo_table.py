"""The README's zoo table, written from the shipped presets' metadata.

No hand-kept list: `python -m keras_ssl.cli.zoo_table --write README.md`
rewrites the table between the `<!-- zoo-table -->` markers from
`list_presets()`, and a test checks that README.md matches.
"""

import argparse

from keras_ssl.presets.registry import list_presets

BEGIN = "<!-- zoo-table -->"
END = "<!-- /zoo-table -->"

_HEADER = (
    "| preset | method | trained on | probe accuracy, 10 labels/class "
    "| probe accuracy, all labels | weights |\n"
    "|---|---|---|---:|---:|---:|"
)


def _percent(value):
    return f"{100 * value:.1f}%"


def _row(preset):
    metrics = preset["metrics"]
    size = f"{preset['weights_bytes'] / 1e6:.2f} MB"
    data = preset["data"].split(" (")[0]
    if "probe_accuracy_10_per_class" in metrics:
        return (
            f"| `{preset['name']}` | {preset['method']} | {data} train, no "
            f"labels | {_percent(metrics['probe_accuracy_10_per_class'])} | "
            f"{_percent(metrics['probe_accuracy_all'])} | {size} |"
        )
    # Text presets: their low-label probe (fortunes: 20/class) and masked-
    # token figures in the first column, the all-labels probe in the second.
    parts = []
    if "probe_accuracy_1_percent" in metrics:
        # Fashion-MNIST's benchmark protocol: 1% and 10% of the labels.
        parts.append(
            f"1% labels: {_percent(metrics['probe_accuracy_1_percent'])}, 10%: "
            f"{_percent(metrics['probe_accuracy_10_percent'])}"
        )
    if "probe_accuracy_held_out_all" in metrics:
        # FSDD's audio protocol: 5 labels per class, and a new speaker.
        parts.append(
            f"5 labels/class: {_percent(metrics['probe_accuracy_5_per_class'])}; new "
            f"speaker, all labels: {_percent(metrics['probe_accuracy_held_out_all'])}"
        )
    if "probe_accuracy_20_per_class" in metrics:
        parts.append(f"20 labels/class: {_percent(metrics['probe_accuracy_20_per_class'])}")
    if "masked_token_accuracy" in metrics:
        parts.append(f"masked token accuracy: {_percent(metrics['masked_token_accuracy'])}")
    if not parts:
        headline = preset["headline_metric"].replace("_", " ")
        parts.append(f"{headline}: {_percent(preset['headline_value'])}")
    figure = "; ".join(parts)
    if "unigram_baseline_accuracy" in metrics:
        figure += f" (unigram baseline {_percent(metrics['unigram_baseline_accuracy'])})"
    all_labels = (
        f" {_percent(metrics['probe_accuracy_all'])} " if "probe_accuracy_all" in metrics
        else " "
    )
    return (
        f"| `{preset['name']}` | {preset['method']} | {data} | {figure} |"
        f"{all_labels}| {size} |"
    )


def zoo_table_markdown(presets=None):
    """The zoo table in markdown, one row per shipped preset.

    Args:
        presets: list of `list_presets()` entries; None reads the zoo.

    Returns:
        str. The table, header included, without the markers.

    Example:
    ```python
    print(keras_ssl.cli.zoo_table.zoo_table_markdown())
    ```
    """
    presets = list_presets() if presets is None else presets
    return "\n".join([_HEADER] + [_row(preset) for preset in presets])


def replace_table(text, table):
    """`text` with the block between the zoo-table markers set to `table`."""
    if BEGIN not in text or END not in text:
        raise ValueError(
            f"No zoo table markers in the text: add a line {BEGIN} and a line "
            f"{END} where the table goes."
        )
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table}\n{END}{tail}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", metavar="README", help="rewrite this file's table")
    args = parser.parse_args(argv)
    table = zoo_table_markdown()
    if not args.write:
        print(table)
        return
    with open(args.write, encoding="utf-8") as file:
        text = file.read()
    with open(args.write, "w", encoding="utf-8") as file:
        file.write(replace_table(text, table))


if __name__ == "__main__":
    main()
