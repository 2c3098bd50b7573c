"""Issue 30 item 7 (scale) in the whole-fit benchmark: the peak RSS of each
run, the per-epoch stall figures, `--data fashion_mnist` beside lightly and
`--memory-check` (smoke runs on 256 images; no speed or memory asserted
beyond the figures being there and computed right)."""

import json
import os
import sys

import keras
import numpy as np
import pytest
from quick_benchmark import run_benchmark

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

import rss  # noqa: E402
from whole_fit_memory import memory_verdict  # noqa: E402
from whole_fit_memory import stall_verdict  # noqa: E402
from whole_fit_runs import run_figures  # noqa: E402

LIGHTLY_PYTHON = "/work/bench-venv/bin/python"


def test_memory_verdict_against_the_limit():
    within = memory_verdict(1000.0, 1150.0)
    assert within["ratio"] == pytest.approx(1.15)
    assert within["limit"] == 1.2 and within["passed"] is True
    assert within["one_epoch_peak_rss_mb"] == 1000.0 and within["peak_rss_mb"] == 1150.0
    assert memory_verdict(1000.0, 1200.0)["passed"] is True  # the limit itself passes
    over = memory_verdict(800.0, 1000.0)
    assert over["ratio"] == pytest.approx(1.25) and over["passed"] is False
    assert memory_verdict(1000.0, 1300.0, limit=1.5)["passed"] is True


def test_stall_verdict_judges_every_later_epoch():
    steady = stall_verdict([0.01, 0.049])
    assert steady["worst"] == pytest.approx(0.049) and steady["passed"] is True
    stalled = stall_verdict([0.01, 0.08, -0.02])  # one slow epoch is enough to fail
    assert stalled["worst"] == pytest.approx(0.08) and stalled["passed"] is False
    assert stall_verdict([])["passed"] is None  # a 1-epoch fit: nothing to judge
    assert stall_verdict([None, None])["passed"] is None  # no steady step time


def test_run_figures_per_later_epoch_and_memory():
    # 3 epochs of 4 full steps of 0.25 s; the third epoch waits 0.2 s more
    # before its first step, and the call returns 0.05 s after it.
    ends, epoch_ends, now = [], [], 0.0
    for epoch in range(3):
        for index in range(4):
            now += 0.25 + (0.2 if epoch == 2 and index == 0 else 0.0)
            ends.append(now)
        epoch_ends.append(now)
    timing = {"seconds": now + 0.05, "batch_ends": ends, "epoch_ends": epoch_ends,
              "peak_rss_mb": 900.0, "start_rss_mb": 700.0, "epoch_rss_mb": [850, 860, 860]}
    figures = run_figures(timing, images_per_epoch=1024, batch_size=256)
    assert figures["step_ms"] == pytest.approx(250.0)
    assert figures["later_epochs_vs_steps"] == pytest.approx([0.0, 0.25 / 1.0])
    assert figures["worst_epoch_vs_steps"] == pytest.approx(0.25)
    assert figures["after_first_vs_steps"] == pytest.approx(0.25 / 2.0)
    assert figures["peak_rss_mb"] == 900.0 and figures["epoch_rss_mb"] == [850, 860, 860]
    assert stall_verdict(figures["later_epochs_vs_steps"])["passed"] is False


def test_run_figures_of_a_one_epoch_run():
    ends = [0.5 * (index + 1) for index in range(4)]
    figures = run_figures({"seconds": 2.0, "batch_ends": ends, "epoch_ends": [2.0]},
                          images_per_epoch=1024, batch_size=256)
    assert figures["step_ms"] == pytest.approx(500.0)  # from its only epoch
    assert figures["images_per_s"] == pytest.approx(512.0)
    assert figures["later_epochs_vs_steps"] == []
    assert np.isnan(figures["after_first_vs_steps"]) and np.isnan(figures["boundary_ms"])


def test_rss_of_this_process():
    assert rss.rss_mb() > 0 and rss.peak_rss_mb() >= rss.rss_mb() - 1
    if not rss.reset_peak():
        pytest.skip("the kernel does not let the peak RSS be reset here")
    start = rss.rss_mb()
    block = np.ones(64 * 2**20, dtype="uint8")  # 64 MB, touched
    del block
    assert rss.peak_rss_mb() >= start + 48


def check_runs(results, data, epochs):
    for result in results:
        assert result["data"] == data and result["epochs"] == epochs
        assert result["images"] == 256 and result["backend"] == keras.backend.backend()
        assert result["peak_rss_mb"] > 50 and result["start_rss_mb"] > 50
        assert result["peak_rss_mb"] >= result["start_rss_mb"] - 1
        assert len(result["rounds"][0]["epoch_rss_mb"]) == epochs


def test_whole_fit_reports_the_peak_rss_of_each_run(tmp_path):
    results_path = str(tmp_path / "results.json")
    process = run_benchmark(
        "whole_fit.py", "--rows", "simclr_convnet", "--images", "256", "--epochs", "1",
        "--rounds", "1", "--json", results_path,
    )
    assert process.returncode == 0, process.stderr[-2000:]
    with open(results_path) as file:
        results = json.load(file)
    assert results and results[0]["mode"] == "compute"
    check_runs(results, "mnist5k", 1)
    assert "| peak RSS (MB) |" in process.stdout
    assert f"| {results[0]['peak_rss_mb']:.0f} |" in process.stdout


@pytest.mark.skipif(not os.path.exists(LIGHTLY_PYTHON),
                    reason=f"needs lightly's virtualenv ({LIGHTLY_PYTHON}, see lightly_fit.py)")
def test_fashion_mnist_beside_lightly(tmp_path):
    import keras_ssl

    if not keras_ssl.datasets.fashion_mnist_available():
        pytest.skip("Fashion-MNIST is not on this machine")
    results_path = str(tmp_path / "results.json")
    process = run_benchmark(
        "whole_fit.py", "--rows", "simclr_convnet", "--data", "fashion_mnist",
        "--images", "256", "--epochs", "1", "--rounds", "1",
        "--lightly-python", LIGHTLY_PYTHON, "--json", results_path,
    )
    assert process.returncode == 0, process.stderr[-2000:]
    with open(results_path) as file:
        results = {r["mode"]: r for r in json.load(file)}
    assert "lightly" in results and "compute" in results
    check_runs(results.values(), "fashion_mnist", 1)
    own, peer = results["compute"], results["lightly"]
    assert own["vs_lightly"] == pytest.approx(peer["seconds"] / own["seconds"])
    assert "| lightly | fashion_mnist | 1 x 256 |" in process.stdout


def test_memory_check(tmp_path):
    results_path = str(tmp_path / "results.json")
    process = run_benchmark(
        "whole_fit.py", "--memory-check", "--images", "256", "--epochs", "2",
        "--json", results_path,
    )
    assert process.returncode == 0, process.stderr[-2000:]
    with open(results_path) as file:
        (check,) = json.load(file)
    assert check["row"] == "simclr_convnet" and check["data"] == "mnist5k"
    one, two = check["runs"]
    assert (one["epochs"], two["epochs"]) == (1, 2)
    check_runs([one], "mnist5k", 1)
    check_runs([two], "mnist5k", 2)
    memory = check["memory"]
    assert memory["ratio"] == pytest.approx(two["peak_rss_mb"] / one["peak_rss_mb"])
    assert memory["passed"] == (memory["ratio"] <= 1.2)
    # 256 images are one step per epoch: no steady step time to judge by.
    assert check["stall"]["passed"] is None
    printed = (f"Peak RSS, 2 epochs over 1: {two['peak_rss_mb']:.0f} / "
               f"{one['peak_rss_mb']:.0f} MB = {memory['ratio']:.3f}x (limit 1.20x)")
    assert printed in process.stdout
