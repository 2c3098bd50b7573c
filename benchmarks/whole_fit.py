"""What users pay: the wall time of whole `fit` calls, per method and backend.

For each row (method and encoder) and backend, a worker process times
`model.fit(images, epochs=E, batch_size=B, shuffle=True)` of a freshly
built and compiled model, from the call to its return, on real data:
mnist5k's 4,000 training digits for the ConvNet and ViT rows, 512 random
32x32x3 images for the ResNet-18 rows (no real data of that shape ships).
From each call's step clock it takes the steady-state step time and the
fixed cost of the call (wall time less all steps at the steady-state time:
tracing, compilation, per-epoch set-up), and checks the issue's "from the
second epoch on, within 5% of steps x step time"; a second table shows
where the time after the first epoch went (the mean step against the
median, each later epoch's first step, the end of the call), which tells a
per-epoch set-up from steps that ran slow. Modes:

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

Usage:
    python benchmarks/whole_fit.py --backends tensorflow   # SimCLR, BYOL ConvNet
    python benchmarks/whole_fit.py --backends jax --rounds 2
    python benchmarks/whole_fit.py --backends tensorflow --rows simclr_resnet18,byol_resnet18
    python benchmarks/whole_fit.py --backends tensorflow --rows all-other --rounds 1
    python benchmarks/whole_fit.py --backends tensorflow --rows simclr_convnet \
        --lightly-python /work/bench-venv/bin/python       # vs lightly
    python benchmarks/whole_fit.py --backends jax --plain-keras   # vs plain Keras
    python benchmarks/whole_fit.py --quick                 # smoke run (code paths)
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from throughput import available_backends
from throughput import finish
from throughput import print_run_header
from throughput_rows import all_rows
from whole_fit_runs import KerasFitRun
from whole_fit_runs import ReferenceFitRun
from whole_fit_runs import run_figures

REFERENCE_ROWS = ("simclr_convnet", "byol_convnet", "simclr_resnet18", "byol_resnet18")
PEER_ROWS = ("simclr_convnet", "byol_convnet")  # lightly and plain Keras JAX
BASELINES = ("reference", "lightly", "plain keras")


def row_data(row, quick, count=None):
    """(images, batch size) of a row: uint8 (N, H, W, C); the first `count`
    images only, if given."""
    method, encoder_name, shape, batch_size, _ = all_rows()[row]
    if encoder_name == "resnet18":
        images = np.random.default_rng(0).integers(0, 256, (512,) + shape, dtype="uint8")
    else:
        import keras_ssl

        images, _ = keras_ssl.datasets.mnist5k("train")
    if quick:
        return images[:64], 32
    return images[:count], batch_size


def modes(backend, row, quick):
    if quick or backend != "tensorflow":
        return ("compute",)
    return ("compute", "end-to-end")


def worker(args):
    """Time the row's runs in turns; print one RESULT line per run."""
    import keras

    backend = keras.backend.backend()
    images, batch_size = row_data(args.row, args.quick, args.images)
    runs = {
        mode: KerasFitRun(args.row, mode, images, batch_size, args.epochs)
        for mode in modes(backend, args.row, args.quick)
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
        result = {"row": args.row, "backend": backend, "mode": mode,
                  "epochs": args.epochs, "images": len(images), "batch_size": batch_size,
                  "rounds": rounds}
        for key in rounds[0]:
            result[key] = float(np.median([r[key] for r in rounds]))
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


def run_worker(backend, row, args, reference):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    command = [sys.executable, __file__, "--worker", "--row", row,
               "--epochs", str(args.epochs), "--rounds", str(args.rounds)]
    command += ["--quick"] if args.quick else []
    command += ["--reference"] if reference else []
    command += ["--images", str(args.images)] if args.images else []
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


def markdown(results):
    # "vs reference" always; a column per other baseline that was run.
    shown = ["reference"] + [b for b in BASELINES[1:]
                             if any(r["mode"] == b for r in results)]
    lines = [
        "| row | backend | mode | epochs x images | whole fit (s) | images/s "
        "| steady step (ms) | fixed cost (s) | first epoch (s) "
        "| after epoch 1 vs steps | " + " | ".join(f"vs {b}" for b in shown) + " |",
        "|---|---|---|---|---|---|---|---|---|---|" + "---|" * len(shown),
    ]
    for r in results:
        ratio = " | ".join(
            f"{r[key]:.2f}x" if key in r else ""
            for key in ("vs_" + b.replace(" ", "_") for b in shown)
        )
        lines.append(
            f"| {r['row']} | {r['backend']} | {r['mode']} | {r['epochs']} x {r['images']} "
            f"| {r['seconds']:.1f} | {r['images_per_s']:.0f} | {r['step_ms']:.0f} "
            f"| {r['fixed_s']:.1f} | {r['first_epoch_s']:.1f} "
            f"| {100 * r['after_first_vs_steps']:+.1f}% | {ratio} |"
        )
    return "\n".join(lines)


def breakdown(results):
    """Where each row's time after its first epoch went (run_figures)."""
    lines = [
        "| row | backend | mode | after epoch 1 vs steps | steady step (ms) "
        "| mean step (ms) | epoch's first step (ms) | end of fit (s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['row']} | {r['backend']} | {r['mode']} "
            f"| {100 * r['after_first_vs_steps']:+.1f}% | {r['step_ms']:.0f} "
            f"| {r['mean_step_ms']:.0f} | {r['boundary_ms']:.0f} | {r['tail_s']:.2f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", default="tensorflow,jax")
    parser.add_argument("--rows", default="simclr_convnet,byol_convnet",
                        help="comma list, or 'all-other': the rows without a reference")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--images", type=int, default=None,
                        help="time on the first N images only (shorter runs)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 64 digits, 1 round")
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
    args = parser.parse_args()
    if args.quick:
        args.epochs, args.rounds = 2, 1
    if args.worker:
        return worker(args)
    image_rows = [row for row, spec in all_rows().items() if spec[0] != "mlm"]
    if args.rows == "all-other":
        rows = [row for row in image_rows if row not in REFERENCE_ROWS]
    else:
        rows = args.rows.split(",")
    unknown = sorted(set(rows) - set(image_rows))
    if unknown:
        parser.error(f"unknown rows {unknown}; choose from {sorted(image_rows)}")
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
    tables = markdown(results) + "\n\nWhere the time after epoch 1 went (medians over rounds):\n\n"
    return finish(tables + breakdown(results), results, args.json)


if __name__ == "__main__":
    sys.exit(main())
