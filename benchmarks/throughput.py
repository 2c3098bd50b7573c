"""Train-step throughput of every keras_ssl method, per backend.

For each backend that is installed (tensorflow, jax, torch) and each
configuration below, a worker process builds the models of one row, trains
them with SGD (lr 0.06, momentum 0.9, as the reference) and times whole
epochs of `fit`. Every model first runs a warm-up epoch (tracing,
compilation); then the row's models take turns, one epoch each, for a few
rounds. The machine is shared and its speed drifts by up to 2x over
seconds, so every ratio is paired: the median over rounds of one model's
throughput over another's measured in the same round. Modes:

- `compute`: pre-made inputs, no augmentation (identity views), with
  `jit_compile` off and on; this is what the reference table measures.
- `compute bf16`: the same under `mixed_bfloat16` (TensorFlow, SimCLR
  ResNet-18).
- `end-to-end`: `fit` on uint8 numpy images with the method's default
  on-device augmentation and the default `jit_compile="auto"` (text: `fit`
  on raw strings, tokenized and masked in tf.data); compared with the
  `compute` run of the same jit setting.
- `reference`: where torch is installed, the issue's PyTorch networks
  (reference_pytorch.py) in the same worker, taking turns with keras_ssl.
- `plain Keras`: the hand-written Keras SimCLR step of
  plain_keras_simclr.py (TensorFlow worker, SimCLR ConvNet).

Images/s counts each input image once (two views, or four rotations, of an
image count as one image), as the reference does; the masked LM counts texts.
Peak memory is the worker process's maximum resident set size after that
configuration's warm-up (the row's earlier configurations are still alive,
so it is cumulative within a row).

Usage:
    python benchmarks/throughput.py            # everything, ~10 min on 2 cores
    python benchmarks/throughput.py --quick    # a smoke run: one 32-example step per mode (code paths, not speed)
    python benchmarks/throughput.py --backends jax --rows simclr_convnet

Prints a markdown table; BENCHMARKS.md holds the output of one run.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

from throughput_rows import ISSUE_REFERENCE
from throughput_rows import QUICK_ROWS
from throughput_rows import TIMED_EPOCHS
from throughput_rows import all_rows
from throughput_rows import explicit_modes
from throughput_rows import is_variant
from throughput_rows import modes_for
from throughput_runs import KerasSSLRun
from throughput_runs import PlainKerasRun
from throughput_runs import PyTorchReferenceRun
from throughput_runs import paired_ratio
from throughput_runs import peak_memory_mb
from throughput_runs import torch_available

# Seconds of rest before each timed epoch, so that the threads of the run
# before (TensorFlow, XLA, PyTorch and tf.data pools) have gone idle.
REST_S = 0.2


# --- Worker: runs in a process whose KERAS_BACKEND is set --------------------


def worker(args):
    """Warm every run of one row up, then time them in turns (round robin).

    The main worker of a row holds its default runs (compute, end-to-end),
    the PyTorch reference and, for SimCLR ConvNet on TensorFlow, the plain
    Keras step. A variant (jit_compile=True, mixed_bfloat16) runs in a
    worker of its own beside a default compute run, and is reported against
    that. (In a check with the reference inside the TensorFlow worker, it
    ran at 23-25 ResNet-18 images/s next to a bfloat16 run and 30 next to
    float32 runs only; keeping the variants apart leaves that question out.)
    """
    import keras
    import numpy as np

    backend = keras.backend.backend()
    full, quick = TIMED_EPOCHS[all_rows()[args.row][1]]
    rounds = quick if args.quick else full
    modes = modes_for(backend, args.row, args.quick)
    if args.explicit and not args.quick:
        modes = explicit_modes(backend, args.row)
    variants = [mode for mode in modes if is_variant(*mode)]
    runs = {}
    if args.variant is None:
        for mode, jit_compile in modes:
            if not is_variant(mode, jit_compile):
                runs[(mode, jit_compile)] = KerasSSLRun(
                    args.row, mode, jit_compile, quick=args.quick
                )
        if not args.quick and args.row in ISSUE_REFERENCE and torch_available():
            runs[("reference", None)] = PyTorchReferenceRun(args.row)
        if not args.quick and backend == "tensorflow" and args.row == "simclr_convnet":
            runs[("plain Keras", False)] = PlainKerasRun(args.row)
    else:
        runs[("compute", "auto")] = KerasSSLRun(args.row, "compute", "auto")
        mode, jit_compile = variants[args.variant]
        runs[(mode, jit_compile)] = KerasSSLRun(args.row, mode, jit_compile)
    warmup, memory = {}, {}
    for key, run in runs.items():
        # The first epoch warms up (tracing, compilation, allocations).
        warmup[key] = run.epoch()
        memory[key] = peak_memory_mb()
    seconds = {key: [] for key in runs}
    for _ in range(rounds):
        for key, run in runs.items():
            time.sleep(REST_S)
            seconds[key].append(run.epoch())
    reference = runs.get(("reference", None))
    compute_key = next(
        (key for key in runs if key[0] == "compute" and key[1] in ("auto", False)), None
    )
    for key, run in runs.items():
        mode, jit_compile = key
        if args.variant is not None and key == compute_key:
            continue  # reported by the row's main worker
        median = float(np.median(seconds[key]))
        result = {
            "row": args.row, "backend": backend, "mode": mode,
            "jit_compile": jit_compile,
            "images_per_s": run.count / median,
            "best_images_per_s": run.count / min(seconds[key]),
            "step_ms": 1000 * median / run.steps,
            "warmup_s": warmup[key],
            # The reference runs in its own process, not measured here.
            "peak_memory_mb": None if mode == "reference" else memory[key],
        }
        if reference is not None and mode in ("compute", "plain Keras"):
            result["vs_reference"] = paired_ratio(
                seconds[key], seconds[("reference", None)], run.count, reference.count
            )
        if compute_key is not None and key != compute_key and mode not in (
            "reference", "plain Keras"
        ):
            result["vs_compute"] = paired_ratio(
                seconds[key], seconds[compute_key], run.count, runs[compute_key].count
            )
        print("RESULT " + json.dumps(result), flush=True)
    if reference is not None:
        reference.close()
    if args.variant is None:
        print(f"VARIANTS {len(variants)}", flush=True)


# --- Parent: spawns workers, prints the table --------------------------------


def available_backends(requested):
    found = []
    for backend in requested:
        module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[backend]
        probe = subprocess.run(
            [sys.executable, "-c", f"import {module}"], capture_output=True
        )
        if probe.returncode == 0:
            found.append(backend)
    return found


def run_worker(backend, row, quick, explicit, variant=None):
    """Results of one worker, and how many variant workers the row has."""
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    command = [sys.executable, __file__, "--worker", "--row", row]
    if quick:
        command.append("--quick")
    if explicit:
        command.append("--explicit")
    if variant is not None:
        command += ["--variant", str(variant)]
    process = subprocess.run(command, env=env, capture_output=True, text=True)
    lines = process.stdout.splitlines()
    results = [json.loads(line[len("RESULT "):]) for line in lines if line.startswith("RESULT ")]
    variants = [int(line.split()[1]) for line in lines if line.startswith("VARIANTS ")]
    if process.returncode != 0:
        tail = process.stderr.strip().splitlines()[-3:]
        print(f"worker {backend}/{row} failed: {' | '.join(tail)}", file=sys.stderr)
    return results, (variants[0] if variants else 0)


def versions():
    import importlib.metadata as metadata

    found = {}
    for package in ("keras", "tensorflow", "jax", "jaxlib", "torch", "keras-nlp", "numpy"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return found


def cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def print_run_header(script):
    """Date, machine, versions and the command line of a benchmark run."""
    print(f"Date: {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"Machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}")
    print("Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()))
    print(f"Command: python benchmarks/{script} {' '.join(sys.argv[1:])}")


def finish(table, results, json_path):
    """Print the table, write the results as JSON if asked; the exit code."""
    print(table)
    if json_path:
        with open(json_path, "w") as file:
            json.dump(results, file, indent=1)
    return 0 if results else 1


def markdown(results):
    lines = [
        "| configuration | backend | mode | jit_compile | images/s (median) "
        "| best epoch | ms/step | vs reference | vs compute "
        "| peak memory (MB) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ratio = f"{r['vs_reference']:.2f}x" if "vs_reference" in r else ""
        versus = f"{100 * (r['vs_compute'] - 1):+.0f}%" if "vs_compute" in r else ""
        unit = " texts/s" if r["row"].startswith("mlm") else ""
        jit = "" if r["jit_compile"] is None else r["jit_compile"]
        memory = "" if r["peak_memory_mb"] is None else f"{r['peak_memory_mb']:.0f}"
        lines.append(
            f"| {r['row']} | {r['backend']} | {r['mode']} | {jit} "
            f"| {r['images_per_s']:.1f}{unit} | {r['best_images_per_s']:.1f} "
            f"| {r['step_ms']:.0f} | {ratio} | {versus} | {memory} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: one 32-example step per mode")
    parser.add_argument("--backends", default="tensorflow,jax,torch")
    parser.add_argument("--rows", default=None, help="comma list of rows (default: all)")
    parser.add_argument("--json", default=None, help="also write results here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--row", help=argparse.SUPPRESS)
    parser.add_argument("--explicit", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--variant", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    rows = args.rows.split(",") if args.rows else list(QUICK_ROWS if args.quick else all_rows())
    unknown = sorted(set(rows) - set(all_rows()))
    if unknown:
        parser.error(f"unknown rows {unknown}; choose from {sorted(all_rows())}")
    backends = available_backends(args.backends.split(","))
    if args.quick:
        backends = backends[:1]
    started = time.time()
    results, worker_seconds = [], {}
    explicit = bool(args.rows)
    for row in rows:
        for backend in backends:
            if explicit or modes_for(backend, row, args.quick):
                begin = time.time()
                found, variants = run_worker(backend, row, args.quick, explicit)
                for variant in range(variants):
                    found += run_worker(backend, row, args.quick, explicit, variant)[0]
                results.extend(found)
                worker_seconds[f"{backend}/{row}"] = time.time() - begin
    print_run_header("throughput.py")
    print(f"Wall time: {time.time() - started:.0f} s ("
          + ", ".join(f"{k} {v:.0f} s" for k, v in worker_seconds.items()) + ")\n")
    references = [r for r in results if r["mode"] == "reference"]
    if references:
        print("PyTorch reference (reference_pytorch.py, a process of its own "
              "whose epochs take turns with keras_ssl's in each worker); "
              "median images/s, the issue's figures in brackets:")
        for r in references:
            print(f"- {r['row']} ({r['backend']} worker): "
                  f"{r['images_per_s']:.1f} ({ISSUE_REFERENCE[r['row']]})")
        print()
    elif not args.quick:
        print("No torch here: no reference measured, so no ratios.\n")
    return finish(markdown(results), results, args.json)


if __name__ == "__main__":
    sys.exit(main())
