"""Run a benchmark script's `--quick` smoke run (or other arguments) on the
active backend."""

import os
import subprocess
import sys

import keras

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_benchmark(script, *args, timeout=600):
    """`benchmarks/<script> <args> --backends <this backend>`; returns the
    finished process."""
    return subprocess.run(
        [
            sys.executable, os.path.join(ROOT, "benchmarks", script), *args,
            "--backends", keras.backend.backend(),
        ],
        capture_output=True, text=True, cwd=ROOT, timeout=timeout,
        # The checkout's keras_ssl, installed or not.
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(
            [ROOT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        )),
    )


def run_quick(script, row, results_path):
    """`benchmarks/<script> --quick --rows <row>` on this backend, writing
    its results to `results_path`; returns the finished process."""
    return run_benchmark(script, "--quick", "--rows", row, "--json", results_path)
