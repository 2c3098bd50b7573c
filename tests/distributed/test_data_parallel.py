"""Two replicas give the same step as one device on the same global batch.

TensorFlow: `MirroredStrategy` over 2 logical CPUs (SimCLR gathers the
negatives of both replicas; BatchNorm is synchronized). JAX:
`keras.distribution.DataParallel` over 2 host devices. Device setup is per
process, so each case runs `replica_run.py` in a subprocess.
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


def run_replicas(method):
    env = dict(os.environ, KERAS_BACKEND=keras.backend.backend(), TF_CPP_MIN_LOG_LEVEL="3")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    env["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
    process = subprocess.run(
        [sys.executable, os.path.join(HERE, "replica_run.py"), method],
        env=env, capture_output=True, text=True, timeout=600,
    )
    lines = [line for line in process.stdout.splitlines() if line.startswith("RESULT ")]
    assert process.returncode == 0 and lines, process.stderr[-3000:]
    return json.loads(lines[-1][len("RESULT "):])


@pytest.mark.parametrize("method", ["simclr", "byol"])
def test_two_replicas_match_one_device(method):
    result = run_replicas(method)
    assert result["replicas"] == 2
    if keras.backend.backend() == "jax":
        assert result["variable_devices"] == 2
    np.testing.assert_allclose(
        result["replicated"]["loss"], result["single"]["loss"], rtol=1e-5
    )
    assert result["max_weight_change"] > 1e-2  # the step did train
    assert result["max_weight_difference"] < 1e-4
    if method == "simclr":
        accuracies = [result[run]["contrastive_accuracy"] for run in ("single", "replicated")]
        assert accuracies[0] == accuracies[1]
    else:
        assert result["ema_step"] == 1  # counted once per global step
    if keras.backend.backend() == "tensorflow":
        # Replicas draw different augmentations (not the same ones twice).
        assert result["shifted_differ"] and not result["unshifted_differ"]
