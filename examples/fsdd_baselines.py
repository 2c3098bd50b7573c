"""The spectrogram baselines of issue 32's FSDD table.

Runs `keras_ssl.evaluation.fsdd_metrics` on the log-mel statistics (mean
and std of 40 log-mel bands over each clip's frames) and the MFCC
statistics (13 coefficients, likewise): `linear_probe` with its defaults,
all labels and 5 per class (5 draws), on the official split and held out by
speaker. Prints the Markdown table and writes the figures, per speaker
included, with the command that made them, to a JSON file.

`--split validation` trains on takes 10-49 and tests on takes 5-9 (for
choosing a recipe; never reads takes 0-4); `--probe-kwargs` passes a
recipe to `linear_probe`, e.g. '{"epochs": 300}'.

Usage:
    python examples/fsdd_baselines.py --path ../shared/data/fsdd \\
        --output docs/fsdd/baselines.json
    python examples/fsdd_baselines.py --path ../shared/data/fsdd --split validation \\
        --output docs/fsdd/baselines_validation.json
"""

import argparse
import json
import os
import sys
import time

import keras

from keras_ssl.backend import backend_name
from keras_ssl.evaluation import FSDD_DESCRIPTION
from keras_ssl.evaluation import fsdd_header
from keras_ssl.evaluation import fsdd_metrics
from keras_ssl.evaluation import fsdd_row

BASELINES = {"log_mel": "log-mel statistics (40 bands)", "mfcc": "MFCC statistics (13)"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default=None, help="an FSDD checkout")
    parser.add_argument("--split", default="test", choices=("test", "validation"))
    parser.add_argument("--baselines", nargs="+", default=list(BASELINES),
                        choices=list(BASELINES))
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--probe-kwargs", default="{}", help="JSON linear_probe arguments")
    parser.add_argument("--output", default=None, help="JSON file to write")
    args = parser.parse_args()
    probe_kwargs = json.loads(args.probe_kwargs)
    rows, results = [], {}
    for name in args.baselines:
        start = time.time()
        metrics = fsdd_metrics(name, args.path, draws=args.draws, split=args.split,
                               probe_kwargs=probe_kwargs)
        results[name] = {"metrics": metrics, "seconds": round(time.time() - start, 1)}
        rows.append(fsdd_row(BASELINES[name], metrics))
    table = "\n".join([fsdd_header(), *rows])
    print(f"split={args.split}\n{table}")
    if args.output:
        os.makedirs(os.path.dirname(args.output) or ".", exist_ok=True)
        with open(args.output, "w") as file:
            json.dump({
                "command": " ".join(["python"] + sys.argv),
                "protocol": FSDD_DESCRIPTION,
                "split": args.split,
                "probe_kwargs": probe_kwargs,
                "backend": backend_name(),
                "keras": keras.__version__,
                "table": table,
                "baselines": results,
            }, file, indent=2, ensure_ascii=False)
            file.write("\n")


if __name__ == "__main__":
    main()
