"""The throughput benchmark runs (a smoke run; no speed is asserted)."""

import json

import keras
from quick_benchmark import run_quick


def test_quick_benchmark_measures_every_mode_of_a_row(tmp_path):
    results_path = str(tmp_path / "results.json")
    process = run_quick("throughput.py", "simclr_convnet", results_path)
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
