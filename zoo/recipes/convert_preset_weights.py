"""Store a shipped preset's weights in half precision, if its figures hold.

    python zoo/recipes/convert_preset_weights.py byol_convnet_mnist5k
    python zoo/recipes/convert_preset_weights.py NAME --dtype bfloat16

For each preset: its weights are rewritten in the dtype, the card's probe and
kNN figures are recomputed from the converted files loaded into a float32
model, with the protocol the card names (`mnist5k_metrics` for mnist5k
presets; the fortunes topic probe for fortunes presets, which needs Debian's
fortune files), and the preset is replaced only if every figure is within
0.2 points of the card's float32 one (`keras_ssl.presets.
convert_preset_weights`, atomic). Otherwise it tries `--fallback` (bfloat16
by default) and, failing that, leaves the preset in float32. The card then
shows the dtype, the size and each figure's change. Run it from the
repository root, one preset at a time on a busy machine.
"""

import argparse
import json
import os
import sys

import keras_ssl
from keras_ssl.presets.registry import shipped_presets

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def compared_metrics(metrics):
    """The card's figures half precision must keep: probe and kNN accuracies
    of the preset itself (not fine-tuning, not random-init baselines)."""
    return [
        key for key in metrics
        if ("probe_accuracy" in key or "knn_accuracy" in key)
        and not key.startswith("random_init")
    ]


def measure_function(name, metadata):
    """`path -> figures` with the protocol the preset's card names."""
    keys = compared_metrics(metadata["metrics"])
    if metadata["data"].startswith("mnist5k"):
        budgets = sorted(
            {"all" if key.endswith("_all") else int(key.split("_")[2]) for key in keys},
            key=lambda budget: (budget == "all", budget),
        )

        def measure(path):
            encoder = keras_ssl.load_encoder(path)
            figures = keras_ssl.evaluation.mnist5k_metrics(encoder, labels_per_class=budgets)
            return {key: figures[key] for key in keys}

        return measure
    heldout_path = os.path.join(shipped_presets()[name], "heldout_topics.json")
    if os.path.exists(heldout_path):
        import fortunes_tools

        with open(heldout_path, encoding="utf-8") as file:
            heldout = json.load(file)

        def measure(path):
            figures = fortunes_tools.topic_metrics(keras_ssl.load_encoder(path), heldout)
            return {key: figures[key] for key in keys}

        return measure
    raise SystemExit(
        f"{name}: no protocol here recomputes its card's figures ({metadata['data']}); "
        f"convert it with keras_ssl.presets.convert_preset_weights and your own measure."
    )


def convert(name, dtypes, max_change_points):
    directory = shipped_presets()[name]
    metadata = keras_ssl.presets.read_preset(directory).metadata
    if metadata.get("weights_dtype", "float32") != "float32":
        print(f"{name}: already stored in {metadata['weights_dtype']}", flush=True)
        return metadata["weights_dtype"]
    before = metadata["weights_bytes"]
    measure = measure_function(name, metadata)
    for dtype in dtypes:
        command = f"python zoo/recipes/convert_preset_weights.py {name} --dtype {dtype}"
        try:
            new = keras_ssl.presets.convert_preset_weights(
                directory, dtype, measure, command=command,
                max_change_points=max_change_points,
            )
        except ValueError as error:
            print(f"{name}: not stored in {dtype}: {error}", flush=True)
            continue
        check = new["weights_check"]
        print(json.dumps({
            "preset": name, "dtype": dtype, "bytes_before": before,
            "bytes_after": new["weights_bytes"],
            "max_change_points": check["max_change_points"],
            "changes_points": {
                key: round(100 * (value - metadata["metrics"][key]), 2)
                for key, value in check["metrics"].items()
            },
        }), flush=True)
        return dtype
    print(f"{name}: left in float32", flush=True)
    return "float32"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="+", help="shipped preset names")
    parser.add_argument("--dtype", default="float16", choices=["float16", "bfloat16"])
    parser.add_argument(
        "--fallback", default="bfloat16", choices=["bfloat16", "none"],
        help="the dtype to try when --dtype moves a figure too far",
    )
    parser.add_argument("--max-change", type=float, default=0.2, help="points")
    args = parser.parse_args()
    dtypes = [args.dtype]
    if args.fallback != "none" and args.fallback != args.dtype:
        dtypes.append(args.fallback)
    for name in args.names:
        convert(name, dtypes, args.max_change)


if __name__ == "__main__":
    main()
