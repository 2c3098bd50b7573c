"""What users pay: the wall time of whole `fit` calls, per method and backend.

For each row (method and encoder) and backend, a worker process times
`model.fit(images, epochs=E, batch_size=B, shuffle=True)` of a freshly
built and compiled model, from the call to its return, on real data:
mnist5k's 4,000 training digits for the ConvNet and ViT rows, or with
`--data fashion_mnist` Fashion-MNIST's 60,000 training images (the
issue's scale), 512 random 32x32x3 images for the ResNet-18 rows (no real
data of that shape ships).
From each call's step clock it takes the steady-state step time and the
fixed cost of the call (wall time less all steps at the steady-state time:
tracing, compilation, per-epoch set-up), and checks the issue's "from the
second epoch on, within 5% of steps x step time"; a second table shows
where the time after the first epoch went (the mean step against the
median, each later epoch's first step, the end of the call), which tells a
per-epoch set-up from steps that ran slow. Each run also reports its peak
resident memory (RSS, MB: the peak of the process running it, counted from
the run's start; rss.py): keras_ssl's runs share their worker process,
each baseline runs in a process of its own. Modes:

- `compute`: float pixels, views = inputs (no augmentation), as the
  reference trains;
- `end-to-end`: the raw uint8 digits with the method's default on-device
  augmentation (TensorFlow only, by default: JAX's steps take seconds);
- `reference`: where torch is installed, the same networks in plain PyTorch
  (reference_pytorch_fit.py, a process of its own) trained for the same
  epochs with a shuffled `DataLoader`, a fresh model per run;
- `lightly` (`--lightly-python PYTHON`, the ConvNet rows): the same runs
  with lightly's heads and losses (lightly_fit.py, run by PYTHON, the
  interpreter of a virtualenv holding lightly and CPU PyTorch; torch
  threads: `--lightly-threads`, 2 by default);
- `plain keras` (`--plain-keras`, JAX, the ConvNet rows): SimCLR and BYOL
  written with `keras.layers` only and fitted the same way
  (plain_keras_jax_fit.py), a baseline of keras_ssl's own overhead.

The runs of a row take turns, one whole run each, for `--rounds` rounds
(every other round in reverse order);
the ratio to each baseline (reference, lightly, plain keras) is paired
(the median over rounds of the baseline's whole-run seconds over
keras_ssl's in the same round), since the shared machine's speed drifts;
above 1x, keras_ssl's fit is the faster.

`--memory-check` (whole_fit_memory.py) runs instead keras_ssl's SimCLR
fit for 1 epoch and for `--epochs` E, each in a fresh process, and checks
that the peak RSS of E epochs is within 1.2x of 1 epoch's and that every
later epoch takes within 5% of its steps times the median step.

Usage:
    python benchmarks/whole_fit.py --backends tensorflow   # SimCLR, BYOL ConvNet
    python benchmarks/whole_fit.py --backends jax --rounds 2
    python benchmarks/whole_fit.py --backends tensorflow --rows simclr_resnet18,byol_resnet18
    python benchmarks/whole_fit.py --backends tensorflow --rows all-other --rounds 1
    python benchmarks/whole_fit.py --backends tensorflow --rows simclr_convnet \
        --lightly-python /work/bench-venv/bin/python       # vs lightly
    python benchmarks/whole_fit.py --backends jax --plain-keras   # vs plain Keras
    python benchmarks/whole_fit.py --quick                 # smoke run (code paths)
Issue 30 item 7 (scale), on Fashion-MNIST's 60,000 training images: a
whole epoch of SimCLR beside lightly's (same ConvNet, heads, loss, batch,
views), paired rounds; then the memory check (1 and 3 epochs):
    python benchmarks/whole_fit.py --backends tensorflow --rows simclr_convnet \
        --data fashion_mnist --epochs 1 --rounds 2 \
        --lightly-python /work/bench-venv/bin/python
    python benchmarks/whole_fit.py --backends tensorflow --rows simclr_convnet \
        --data fashion_mnist --memory-check --epochs 3
(`--images 256` on either: a smoke run of the same code paths.)
"""

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

from throughput import available_backends
from throughput import finish
from throughput import print_run_header
from throughput_rows import all_rows
from whole_fit_memory import memory_check
from whole_fit_runs import KerasFitRun
from whole_fit_runs import ReferenceFitRun
from whole_fit_runs import run_figures
from whole_fit_tables import BASELINES
from whole_fit_tables import breakdown
from whole_fit_tables import markdown

REFERENCE_ROWS = ("simclr_convnet", "byol_convnet", "simclr_resnet18", "byol_resnet18")
PEER_ROWS = ("simclr_convnet", "byol_convnet")  # lightly and plain Keras JAX
DATA = ("mnist5k", "fashion_mnist")  # the 28x28x1 rows' training images


def row_data(row, quick, count=None, data="mnist5k"):
    """(images, batch size) of a row: uint8 (N, H, W, C); the first `count`
    images only, if given. `data`: the 28x28 rows' images (`DATA`)."""
    method, encoder_name, shape, batch_size, _ = all_rows()[row]
    if encoder_name == "resnet18":
        images = np.random.default_rng(0).integers(0, 256, (512,) + shape, dtype="uint8")
    else:
        import keras_ssl

        images, _ = getattr(keras_ssl.datasets, data)("train")
    if quick:
        return images[:64], 32
    return images[:count], batch_size


def modes(backend, row, quick, only=None):
    if only:
        return (only,)
    if quick or backend != "tensorflow":
        return ("compute",)
    return ("compute", "end-to-end")


def json_safe(value):
    """NaN (a 1-epoch run's later-epoch figures) as None, lists within."""
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return None if isinstance(value, float) and math.isnan(value) else value


def worker(args):
    """Time the row's runs in turns; print one RESULT line per run."""
    import keras

    backend = keras.backend.backend()
    images, batch_size = row_data(args.row, args.quick, args.images, args.data)
    runs = {
        mode: KerasFitRun(args.row, mode, images, batch_size, args.epochs)
        for mode in modes(backend, args.row, args.quick, args.only_mode)
    }
    scratch = tempfile.mkdtemp(prefix="whole_fit_")
    if args.reference:
        runs["reference"] = ReferenceFitRun(args.row, images, batch_size, args.epochs, scratch)
    if args.lightly_python and args.row in PEER_ROWS:
        runs["lightly"] = ReferenceFitRun(args.row, images, batch_size, args.epochs, scratch,
                                          "lightly_fit.py", args.lightly_python,
                                          ["--threads", str(args.lightly_threads)])
    if args.plain_keras and backend == "jax" and args.row in PEER_ROWS:
        from plain_keras_jax_fit import PlainKerasFitRun

        method = all_rows()[args.row][0]
        runs["plain keras"] = PlainKerasFitRun(method, images, batch_size, args.epochs)
    figures = {mode: [] for mode in runs}
    for number in range(args.rounds):
        # Every other round in reverse order: no run always goes first.
        for mode, run in list(runs.items())[::-1 if number % 2 else 1]:
            time.sleep(0.5)  # let the previous run's thread pools go idle
            figures[mode].append(run_figures(run.fit(), len(images), batch_size))
    for mode, rounds in figures.items():
        result = {"row": args.row, "backend": backend, "mode": mode, "data": args.data,
                  "epochs": args.epochs, "images": len(images), "batch_size": batch_size,
                  "rounds": [{k: json_safe(v) for k, v in r.items()} for r in rounds]}
        for key, value in rounds[0].items():
            if not isinstance(value, list):  # the lists stay in "rounds"
                result[key] = json_safe(float(np.median([r[key] for r in rounds])))
        for baseline in BASELINES:
            if baseline in figures and mode not in BASELINES:
                result["vs_" + baseline.replace(" ", "_")] = float(np.median([
                    ref["seconds"] / own["seconds"]
                    for own, ref in zip(rounds, figures[baseline])
                ]))
        print("RESULT " + json.dumps(result), flush=True)
    for run in runs.values():
        if hasattr(run, "close"):
            run.close()
    shutil.rmtree(scratch, ignore_errors=True)


def run_worker(backend, row, args, reference):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    command = [sys.executable, __file__, "--worker", "--row", row,
               "--epochs", str(args.epochs), "--rounds", str(args.rounds)]
    command += ["--quick"] if args.quick else []
    command += ["--reference"] if reference else []
    command += ["--images", str(args.images)] if args.images else []
    command += ["--data", args.data]
    command += ["--only-mode", args.only_mode] if args.only_mode else []
    if args.lightly_python:
        command += ["--lightly-python", args.lightly_python,
                    "--lightly-threads", str(args.lightly_threads)]
    command += ["--plain-keras"] if args.plain_keras else []
    process = subprocess.run(command, env=env, capture_output=True, text=True)
    lines = process.stdout.splitlines()
    if process.returncode != 0:
        tail = process.stderr.strip().splitlines()[-3:]
        print(f"worker {backend}/{row} failed: {' | '.join(tail)}", file=sys.stderr)
    return [json.loads(line[len("RESULT "):]) for line in lines if line.startswith("RESULT ")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", default="tensorflow,jax")
    parser.add_argument("--rows", default=None,
                        help="comma list, or 'all-other': the rows without a reference "
                        "(default: simclr_convnet,byol_convnet; simclr_convnet with "
                        "--memory-check)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--images", type=int, default=None,
                        help="time on the first N images only (shorter runs)")
    parser.add_argument("--data", default="mnist5k", choices=DATA,
                        help="the 28x28 rows' training images (default mnist5k's 4,000; "
                        "fashion_mnist: 60,000)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 64 digits, 1 round")
    parser.add_argument("--memory-check", action="store_true",
                        help="peak RSS of a 1-epoch and an --epochs fit, each in a fresh "
                        "process, and the per-epoch stall check (whole_fit_memory.py)")
    parser.add_argument("--memory-mode", default=None, choices=("compute", "end-to-end"),
                        help="the memory check's mode (default: end-to-end on "
                        "TensorFlow, compute elsewhere)")
    parser.add_argument("--json", default=None, help="also write results here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--row", help=argparse.SUPPRESS)
    parser.add_argument("--lightly-python", default=None, metavar="PYTHON",
                        help="a Python with lightly and torch: adds lightly runs")
    parser.add_argument("--lightly-threads", type=int, default=2,
                        help="torch threads of the lightly runs (default 2)")
    parser.add_argument("--plain-keras", action="store_true",
                        help="JAX: adds plain Keras runs of SimCLR and BYOL")
    parser.add_argument("--reference", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--only-mode", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.epochs, args.rounds = 2, 1
    if args.worker:
        return worker(args)
    image_rows = [row for row, spec in all_rows().items() if spec[0] != "mlm"]
    if args.rows is None:
        args.rows = "simclr_convnet" if args.memory_check else "simclr_convnet,byol_convnet"
    if args.rows == "all-other":
        rows = [row for row in image_rows if row not in REFERENCE_ROWS]
    else:
        rows = args.rows.split(",")
    unknown = sorted(set(rows) - set(image_rows))
    if unknown:
        parser.error(f"unknown rows {unknown}; choose from {sorted(image_rows)}")
    if args.memory_check:
        if args.epochs < 2:
            parser.error("--memory-check compares a 1-epoch fit with an --epochs fit: "
                         "--epochs must be 2 or more")
        started = time.time()
        backends = available_backends(args.backends.split(","))
        text, checks = memory_check(args, backends, rows, run_worker)
        print_run_header("whole_fit.py")
        print(f"Wall time: {time.time() - started:.0f} s; memory check: keras_ssl's fit "
              f"for 1 and {args.epochs} epochs, each in a fresh process\n")
        return finish(text, checks, args.json)
    torch_here = available_backends(["torch"]) == ["torch"]
    started, results = time.time(), []
    for row in rows:
        for backend in available_backends(args.backends.split(",")):
            reference = torch_here and row in REFERENCE_ROWS and not args.quick
            results += run_worker(backend, row, args, reference)
    print_run_header("whole_fit.py")
    print(f"Wall time: {time.time() - started:.0f} s; medians over {args.rounds} "
          f"round(s) of {args.epochs}-epoch fit calls, batch size as in each row\n")
    if not torch_here and not args.quick:
        others = " (the other baselines' ratios are shown)" if (
            args.lightly_python or args.plain_keras) else ", so no ratios"
        print(f"No torch here: no plain PyTorch reference measured{others}.\n")
    if args.epochs == 1:  # no later epoch to break down
        return finish(markdown(results), results, args.json)
    tables = markdown(results) + "\n\nWhere the time after epoch 1 went (medians over rounds):\n\n"
    return finish(tables + breakdown(results), results, args.json)


if __name__ == "__main__":
    sys.exit(main())
