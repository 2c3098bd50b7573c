"""The throughput benchmark runs (a smoke run; no speed is asserted)."""

import json
import os
import subprocess
import sys

import keras

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_quick_benchmark_measures_every_mode_of_a_row(tmp_path):
    results_path = str(tmp_path / "results.json")
    process = subprocess.run(
        [
            sys.executable, os.path.join(ROOT, "benchmarks", "throughput.py"),
            "--quick", "--rows", "simclr_convnet",
            "--backends", keras.backend.backend(), "--json", results_path,
        ],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
        # The checkout's keras_ssl, installed or not.
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(
            [ROOT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        )),
    )
    assert process.returncode == 0, process.stderr[-2000:]
    with open(results_path) as file:
        results = json.load(file)
    assert [(r["mode"], r["jit_compile"]) for r in results] == [
        ("compute", "auto"), ("end-to-end", "auto")
    ]
    for result in results:
        assert result["backend"] == keras.backend.backend()
        assert result["images_per_s"] > 0 and result["peak_memory_mb"] > 0
    assert "| simclr_convnet | " in process.stdout
    assert "Machine: " in process.stdout and "Versions: " in process.stdout
