"""The clustering and puzzle presets against random init and rotation.

Issue 31's goals on mnist5k: SwAV, DeepCluster-v2 and jigsaw must beat a
random-init encoder at 10 labels per class, and jigsaw is compared with
rotation prediction. Every row uses the cards' protocol
(`keras_ssl.evaluation.mnist5k_metrics`: linear probe and weighted 20-NN on
frozen features, 5 label draws, scored on the 1,000 test digits). The
presets' rows are their cards' figures (`metadata.json`, which
tests/zoo/test_shipped_presets.py recomputes); `--recompute` measures
them again here.

Two extra rows:
- a random-init ConvNet (same architecture, `keras.utils.set_random_seed`
  of `--seed`), the baseline;
- jigsaw's encoder probed on its 9 tiles instead of the whole digit: the
  3x3 grid of 9x9 cells at origin (0, 0), the 7x7 tile at the centre of
  each cell (offset 1), each tile through the encoder, the 9 vectors
  concatenated in grid order (the features its permutation classifier
  reads).

    python examples/clustering_presets.py            # two rows measured
    python examples/clustering_presets.py --recompute  # all six measured
    python examples/clustering_presets.py --budgets 10 --draws 1  # quicker
"""

import argparse
import time

import keras

import keras_ssl
from keras_ssl.evaluation.fine_tune import random_init_copy

PRESETS = (
    "rotation_convnet_mnist5k",
    "jigsaw_convnet_mnist5k",
    "swav_convnet_mnist5k",
    "deepcluster_v2_convnet_mnist5k",
)
CELL, TILE = 9, 7  # jigsaw_geometry(28, 28): 9x9 cells, 7x7 tiles.


def tile_features_model(encoder):
    """A `keras.Model` from a (28, 28, 1) digit to its 9 tiles' features."""
    inputs = keras.Input((28, 28, 1))
    offset = (CELL - TILE) // 2
    vectors = []
    for row in range(3):
        for column in range(3):
            top, left = row * CELL + offset, column * CELL + offset
            tile = inputs[:, top:top + TILE, left:left + TILE, :]
            vectors.append(encoder(tile))
    return keras.Model(inputs, keras.layers.Concatenate()(vectors), name="jigsaw_tiles")


def row(name, metrics, budgets):
    cells = []
    for budget in budgets:
        suffix = "all" if budget == "all" else f"{budget}_per_class"
        cells.append(f"{100 * metrics[f'probe_accuracy_{suffix}']:.1f}")
        cells.append(f"{100 * metrics[f'knn_accuracy_{suffix}']:.1f}")
    return f"| {name} | " + " | ".join(cells) + " |"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--budgets", default="1,10,100,all")
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--recompute", action="store_true",
                        help="measure the presets instead of reading their cards")
    args = parser.parse_args()
    budgets = [b if b == "all" else int(b) for b in args.budgets.split(",")]
    start = time.perf_counter()
    encoders = {}
    for preset in PRESETS:
        encoders[f"`{preset}`"] = keras_ssl.load_encoder(preset)
    jigsaw = encoders["`jigsaw_convnet_mnist5k`"]
    encoders["`jigsaw_convnet_mnist5k`, its 9 tiles concatenated"] = tile_features_model(jigsaw)
    keras.utils.set_random_seed(args.seed)
    encoders["random-init ConvNet"] = random_init_copy(jigsaw)
    header = " | ".join(f"probe {b} | kNN {b}" for b in budgets)
    lines = [f"| encoder | {header} |", "|---|" + "---:|" * (2 * len(budgets))]
    cards = {f"`{p['name']}`": p for p in keras_ssl.list_presets() if p["name"] in PRESETS}
    for name, encoder in encoders.items():
        if name in cards and not args.recompute and args.draws == 5:
            metrics = cards[name]["metrics"]
        else:
            metrics = keras_ssl.evaluation.mnist5k_metrics(encoder, budgets, args.draws)
        lines.append(row(name, metrics, budgets))
        print(lines[-1], flush=True)
    print("\nTest accuracy (%) on mnist5k's test digits; budgets are labels per "
          f"class, mean over {args.draws} draws.\n")
    print("\n".join(lines))
    print(f"\n{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
