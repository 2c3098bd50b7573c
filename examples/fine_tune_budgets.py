"""Linear probe, probe mode, fine-tuning and from-scratch at label budgets.

For one pretrained preset on mnist5k, each label budget (labels per class)
and each draw of the labelled subset (`per_class_subset(seed=draw)`), this
scores on the mnist5k test split:

- `linear probe`: `keras_ssl.evaluation.linear_probe` (frozen features,
  standardized, Adam 1e-2, 100 epochs);
- `probe mode`: `ImageClassifier(mode="probe")` trained with `fit`
  (`evaluation.fine_tune(mode="probe")`, the defaults);
- `fine-tune`: `evaluation.fine_tune` with its default recipe;
- `from scratch`: the same recipe, epochs and augmentation on the same
  architecture with random weights, BatchNorm trained on batch statistics
  (`train_batch_norm=True`: a random encoder has no statistics to keep).

It prints a markdown table of mean ± std over the draws (accuracy, %) and
the total seconds.

Usage:
    python examples/fine_tune_budgets.py --budgets 10 --draws 5
    python examples/fine_tune_budgets.py simclr_convnet_mnist5k --budgets 1 10 100
"""

import argparse
import time

import keras
import numpy as np

import keras_ssl
from keras_ssl.evaluation import fine_tune
from keras_ssl.evaluation import linear_probe
from keras_ssl.evaluation.fine_tune import random_init_copy

COLUMNS = ("linear probe", "probe mode", "fine-tune", "from scratch")


def scores(encoder, train, test, draw):
    """Test accuracy of each column for one labelled subset."""
    runs = {
        "linear probe": lambda: linear_probe(encoder, train, test, seed=draw),
        "probe mode": lambda: fine_tune(encoder, train, test, mode="probe", seed=draw),
        "fine-tune": lambda: fine_tune(encoder, train, test, seed=draw),
        "from scratch": lambda: fine_tune(
            random_init_copy(encoder), train, test, seed=draw, train_batch_norm=True
        ),
    }
    result = {}
    for column in COLUMNS:
        keras.utils.set_random_seed(draw)
        result[column] = runs[column]()["accuracy"]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preset", nargs="?", default="simclr_convnet_mnist5k")
    parser.add_argument("--budgets", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--draws", type=int, default=5)
    args = parser.parse_args()

    start = time.time()
    encoder = keras_ssl.load_encoder(args.preset)
    x, y = keras_ssl.datasets.mnist5k("train")
    test = keras_ssl.datasets.mnist5k("test")
    rows = []
    for budget in args.budgets:
        per_draw = []
        for draw in range(args.draws):
            index = keras_ssl.datasets.per_class_subset(y, budget, seed=draw)
            per_draw.append(scores(encoder, (x[index], y[index]), test, draw))
            print(f"# {budget} labels/class, draw {draw}: "
                  + ", ".join(f"{c} {100 * per_draw[-1][c]:.1f}" for c in COLUMNS),
                  flush=True)
        cells = []
        for column in COLUMNS:
            values = 100 * np.array([run[column] for run in per_draw])
            cells.append(f"{values.mean():.1f} ± {values.std():.1f}")
        rows.append(f"| {budget} | " + " | ".join(cells) + " |")
    print()
    print(f"{args.preset}, mnist5k test accuracy (%), mean ± std over "
          f"{args.draws} label draws")
    print()
    print("| labels/class | " + " | ".join(COLUMNS) + " |")
    print("|---" * (len(COLUMNS) + 1) + "|")
    print("\n".join(rows))
    print()
    print(f"total: {time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
