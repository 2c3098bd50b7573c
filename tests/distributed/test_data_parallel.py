"""Two replicas give the same step as one device on the same global batch.

TensorFlow: `MirroredStrategy` over 2 logical CPUs (SimCLR gathers the
negatives of both replicas; BatchNorm is synchronized). JAX:
`keras.distribution.DataParallel` over 2 host devices. Device setup is per
process, so every method runs in one `replica_run.py` subprocess per backend.
"""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
METHODS = (
    "simclr", "byol", "simsiam", "barlow_twins", "vicreg", "moco", "nnclr", "dino", "mae", "swav",
    "deepcluster_v2",
)


@pytest.fixture(scope="module")
def results():
    env = dict(os.environ, KERAS_BACKEND=keras.backend.backend(), TF_CPP_MIN_LOG_LEVEL="3")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    env["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
    process = subprocess.run(
        [sys.executable, os.path.join(HERE, "replica_run.py"), *METHODS],
        env=env, capture_output=True, text=True, timeout=900,
    )
    lines = [line for line in process.stdout.splitlines() if line.startswith("RESULT ")]
    assert process.returncode == 0 and lines, process.stderr[-3000:]
    return json.loads(lines[-1][len("RESULT "):])


@pytest.mark.parametrize("method", METHODS)
def test_two_replicas_match_one_device(results, method):
    result = results[method]
    assert result["replicas"] == 2
    if keras.backend.backend() == "jax":
        assert result["variable_devices"] == 2
    # atol: a loss near zero (SimSiam's is about -0.12) differs in its 6th
    # digit with the order of the replicas' reductions (1.5e-6 seen on TF).
    np.testing.assert_allclose(
        result["replicated"]["loss"], result["single"]["loss"], rtol=1e-5, atol=1e-5
    )
    assert result["max_weight_change"] > 1e-2  # the step did train
    assert result["max_weight_difference"] < 1e-4
    if method == "simclr":
        accuracies = [result[run]["contrastive_accuracy"] for run in ("single", "replicated")]
        assert accuracies[0] == accuracies[1]
    if method in ("byol", "moco", "dino"):
        assert result["ema_step"] == 1  # counted once per global step
    if method == "dino":  # the center: the mean teacher output of the global batch
        assert result["center_norm"] > 1e-3 and result["center_difference"] < 1e-5


@pytest.mark.parametrize("method", ["barlow_twins", "vicreg"])
def test_batch_statistics_are_global(results, method):
    # Per-replica statistics would give another loss: the match above is a
    # real check that the cross-correlation / variance / covariance are taken
    # over the global batch.
    result = results[method]
    assert abs(result["per_replica_statistics_loss"] - result["global_loss"]) > (
        1e-3 * abs(result["global_loss"])
    )


@pytest.mark.parametrize("method", ["moco", "nnclr", "swav", "deepcluster_v2"])
def test_queue_is_pushed_once_per_global_step(results, method):
    result = results[method]
    # One global batch of 16 keys, pushed once (not once per replica); SwAV's
    # queue and DeepCluster-v2's bank of 32 start full (so that its step uses
    # it: k-means on the bank at the epoch's start, the same on both runs).
    full = method in ("swav", "deepcluster_v2")
    assert result["queue_filled"] == ([32, 32] if full else [16, 16])
    assert result["queue_pointer"] == [16, 16]
    assert result["queue_difference"] < 1e-4


def test_swav_codes_are_sinkhorn_over_the_global_batch(results):
    # Codes of each replica's half alone differ: the loss and weight match
    # above shows Sinkhorn's sums run over the global batch of both replicas
    # (and the full queue, counted once).
    assert results["swav"]["per_replica_codes_difference"] > 1e-3


def test_replicas_draw_different_views(results):
    if keras.backend.backend() != "tensorflow":
        pytest.skip("JAX's DataParallel draws the views of the global batch in one step")
    views = results["views"]
    assert views["shifted_differ"] and not views["unshifted_differ"]
