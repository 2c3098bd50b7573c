"""Run a benchmark script's `--quick` smoke run on the active backend."""

import os
import subprocess
import sys

import keras

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_quick(script, row, results_path):
    """`benchmarks/<script> --quick --rows <row>` on this backend, writing
    its results to `results_path`; returns the finished process."""
    return subprocess.run(
        [
            sys.executable, os.path.join(ROOT, "benchmarks", script),
            "--quick", "--rows", row,
            "--backends", keras.backend.backend(), "--json", results_path,
        ],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
        # The checkout's keras_ssl, installed or not.
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(
            [ROOT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        )),
    )
