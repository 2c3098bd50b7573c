"""The Fashion-MNIST table and label-efficiency plot of the README.

Every row is a figure measured elsewhere by one command; this script only
gathers them, so the README's table, `docs/fashion_mnist/table.md` and the
plot agree:
- the baselines' JSON files in `docs/fashion_mnist/` (`keras-ssl benchmark
  pixels ...`, `keras-ssl benchmark random:PRESET --train-batch-norm ...`:
  the random-init encoder's probe and kNN, and in its fine-tuned columns the
  same architecture trained from scratch on those labels);
- every shipped preset trained on Fashion-MNIST (`*_fashion_mnist`), from
  its card (`metadata.json`, written by its recipe and recomputed by the
  `large` zoo test);
- the supervised upper bound (`examples/fashion_supervised.py`), when its
  JSON file is there.

The plot: test accuracy of the linear probe (solid) and of the fine-tuned
`ImageClassifier` (dashed, where measured) against the share of the 60,000
training labels (1%, 10%, all; log scale).

    python examples/fashion_mnist_table.py   # writes docs/fashion_mnist/{table.md,label_efficiency.png}
"""

import argparse
import json
import os

from keras_ssl.evaluation import benchmark_protocol
from keras_ssl.evaluation.markdown_table import markdown_header
from keras_ssl.evaluation.markdown_table import markdown_row
from keras_ssl.presets.preset_files import read_preset
from keras_ssl.presets.registry import shipped_presets

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "fashion_mnist")

#: Baseline rows: JSON file in docs/fashion_mnist -> the row's name.
BASELINES = {
    "pixels.json": "raw pixels",
    "random_init_convnet.json": "random-init ConvNet (fine-tuned: from scratch)",
}
SUPERVISED = "supervised_all.json"
FRACTIONS = (("1_percent", 0.01), ("10_percent", 0.1), ("all", 1.0))


def preset_rows():
    """`(name, metrics)` of each shipped Fashion-MNIST preset, best probe first."""
    rows = []
    for path in shipped_presets().values():
        card = read_preset(path).metadata
        if card["data"].startswith("Fashion-MNIST"):
            name = f"`{card['name']}` ({card['method']}, {card['encoder']}, {card['epochs']} epochs)"
            rows.append((name, card["metrics"]))
    return sorted(rows, key=lambda row: -row[1]["probe_accuracy_all"])


def table_rows(docs=DOCS):
    """Every row of the table: `[(name, metrics)]`, baselines first."""
    rows = []
    for file_name, name in BASELINES.items():
        path = os.path.join(docs, file_name)
        if os.path.exists(path):
            with open(path) as stream:
                rows.append((name, json.load(stream)["metrics"]))
    return rows + preset_rows()


def supervised_record(docs=DOCS):
    """The supervised upper bound's JSON record, or None."""
    path = os.path.join(docs, SUPERVISED)
    if not os.path.exists(path):
        return None
    with open(path) as stream:
        return json.load(stream)


def supervised_line(record):
    """The sentence under the table on the supervised upper bound, or None."""
    if record is None:
        return None
    return (
        f"Supervised upper bound: the same ConvNet and a linear head trained "
        f"from random init on all 60,000 labels, {record['epochs']} epochs "
        f"(chosen on the validation split): {100 * record['test_accuracy']:.1f}% "
        f"(`{record['command']}`, {record['seconds']:.0f} s)."
    )


def markdown(rows, supervised=None):
    """The table (with the header of the widest row) and the sentence."""
    widest = max((metrics for _, metrics in rows), key=len)
    columns = benchmark_protocol.benchmark_columns(widest)
    lines = markdown_header(columns).splitlines()
    lines += [markdown_row(name, metrics, columns) for name, metrics in rows]
    if supervised:
        lines += ["", supervised]
    return "\n".join(lines) + "\n"


def plot(rows, path, supervised_accuracy=None):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(8, 5))
    for index, (name, metrics) in enumerate(rows):
        color = f"C{index % 10}"
        for kind, style in (("probe", "-"), ("fine_tune", "--")):
            points = [(fraction, metrics[f"{kind}_accuracy_{suffix}"])
                      for suffix, fraction in FRACTIONS
                      if f"{kind}_accuracy_{suffix}" in metrics]
            if len(points) > 1:
                label = name.split(" (")[0].strip("`")
                if kind == "fine_tune":
                    label = "supervised from scratch" if "from scratch" in name else label + " fine-tuned"
                axes.plot(*zip(*points), style, marker="o", color=color, label=label)
    if supervised_accuracy is not None:
        axes.plot([1.0], [supervised_accuracy], "k*", markersize=12,
                  label="supervised, all labels")
    axes.set_xscale("log")
    axes.set_xticks([fraction for _, fraction in FRACTIONS], ["1%", "10%", "all"])
    axes.set_xlabel("share of the 60,000 training labels")
    axes.set_ylabel("test accuracy")
    axes.set_title("Fashion-MNIST: probe (solid) and fine-tuned (dashed)")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=7, loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", default=DOCS, help="folder of the baselines' JSON files")
    parser.add_argument("--no-plot", action="store_true")
    args = parser.parse_args()
    rows = table_rows(args.docs)
    record = supervised_record(args.docs)
    text = markdown(rows, supervised_line(record))
    print(text)
    with open(os.path.join(args.docs, "table.md"), "w") as stream:
        stream.write(text)
    if not args.no_plot:
        plot(rows, os.path.join(args.docs, "label_efficiency.png"),
             None if record is None else record["test_accuracy"])
        print(f"Wrote {os.path.join(args.docs, 'label_efficiency.png')}")


if __name__ == "__main__":
    main()
