"""The whole-fit benchmark: its figures from a step clock, and a smoke run
(no speed is asserted)."""

import json
import os
import sys

import keras
import numpy as np
import pytest
from quick_benchmark import run_quick

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

from whole_fit_runs import run_figures  # noqa: E402


def synthetic_timing(epochs, steps, step_s, set_up_s, partial_fraction, tail_s):
    """Step ends of a run whose every epoch's first step waits `set_up_s`,
    whose last step is a partial batch, and which ends `tail_s` after its
    last epoch."""
    ends, epoch_ends, now = [], [], 0.0
    for _ in range(epochs):
        for index in range(steps):
            now += step_s * (partial_fraction if index == steps - 1 else 1.0)
            now += set_up_s if index == 0 else 0.0
            ends.append(now)
        epoch_ends.append(now)
    return {"seconds": now + tail_s, "batch_ends": ends, "epoch_ends": epoch_ends}


def test_figures_of_a_run_with_a_per_epoch_set_up():
    # 3 epochs of 1,000 images at batch 256: 4 steps, the last of 232 images.
    timing = synthetic_timing(3, 4, 0.2, 0.5, 232 / 256, 0.3)
    figures = run_figures(timing, images_per_epoch=1000, batch_size=256)
    assert figures["step_ms"] == pytest.approx(200.0)
    # Every step at 0.2 s per 256 images, plus 3 set-ups and the tail.
    assert figures["fixed_s"] == pytest.approx(3 * 0.5 + 0.3)
    assert figures["images_per_s"] == pytest.approx(3000 / timing["seconds"])
    assert figures["first_epoch_s"] == pytest.approx(0.5 + 0.2 * 1000 / 256)
    after_first = 2 * 0.5 + 0.3
    expected = after_first / (2 * 0.2 * 1000 / 256)
    assert figures["after_first_vs_steps"] == pytest.approx(expected)
    # Where that went: each later epoch's first step waited its set-up, the
    # steps themselves ran at the steady time, and the call ended 0.3 s late.
    assert figures["boundary_ms"] == pytest.approx(700.0)
    assert figures["mean_step_ms"] == pytest.approx(200.0)
    assert figures["tail_s"] == pytest.approx(0.3)


def test_a_slow_step_shows_in_the_mean_step_not_in_the_epoch_boundary():
    timing = synthetic_timing(3, 8, 0.25, 0.0, 1.0, 0.0)
    # The 4th step of the third epoch takes 1 s longer: a hiccup, not set-up.
    timing["batch_ends"] = [t + (1.0 if i >= 19 else 0.0) for i, t in enumerate(timing["batch_ends"])]
    timing["epoch_ends"][2] += 1.0
    timing["seconds"] += 1.0
    figures = run_figures(timing, images_per_epoch=8 * 256, batch_size=256)
    assert figures["step_ms"] == pytest.approx(250.0)
    assert figures["boundary_ms"] == pytest.approx(250.0)
    assert figures["mean_step_ms"] == pytest.approx(250.0 + 1000.0 / 14)
    assert figures["after_first_vs_steps"] == pytest.approx(1.0 / (2 * 8 * 0.25))


def test_a_run_paying_its_set_up_once_is_within_the_target():
    timing = synthetic_timing(3, 16, 0.25, 0.0, 1.0, 0.0)
    timing["seconds"] += 4.0  # tracing, before the first step
    timing["batch_ends"] = [t + 4.0 for t in timing["batch_ends"]]
    timing["epoch_ends"] = [t + 4.0 for t in timing["epoch_ends"]]
    figures = run_figures(timing, images_per_epoch=16 * 256, batch_size=256)
    assert figures["fixed_s"] == pytest.approx(4.0)
    assert figures["after_first_vs_steps"] == pytest.approx(0.0, abs=1e-9)


def test_quick_whole_fit_benchmark_runs(tmp_path):
    results_path = str(tmp_path / "results.json")
    process = run_quick("whole_fit.py", "simclr_convnet", results_path)
    assert process.returncode == 0, process.stderr[-2000:]
    with open(results_path) as file:
        results = json.load(file)
    assert [(r["row"], r["mode"]) for r in results] == [("simclr_convnet", "compute")]
    result = results[0]
    assert result["backend"] == keras.backend.backend()
    assert result["epochs"] == 2 and result["images"] == 64
    assert result["seconds"] > 0 and result["step_ms"] > 0
    assert np.isclose(result["images_per_s"], 128 / result["seconds"])
    assert "| simclr_convnet | " in process.stdout
    assert "Where the time after epoch 1 went" in process.stdout
