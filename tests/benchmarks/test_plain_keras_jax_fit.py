"""The plain Keras JAX baseline of whole_fit.py (benchmarks/plain_keras_jax_fit.py):
its BYOL trains and moves its target (no speed is asserted)."""

import importlib.util
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHECK = """
import numpy as np
from keras import ops
from plain_keras_jax_fit import build
model = build("byol", (28, 28, 1), steps=4)
online, target = model._pairs()[0]
before = ops.convert_to_numpy(target)
images = np.random.default_rng(0).integers(0, 256, (64, 28, 28, 1)).astype("float32")
losses = model.fit(images, epochs=2, batch_size=32, verbose=0).history["ssl_loss"]
assert np.all(np.isfinite(losses)), losses
assert not np.allclose(before, ops.convert_to_numpy(target))  # the EMA moved it
assert not np.allclose(ops.convert_to_numpy(online), ops.convert_to_numpy(target))
print("ok")
"""


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="needs jax")
def test_plain_keras_byol_trains_on_jax():
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3")
    process = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=os.path.join(ROOT, "benchmarks"),
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert process.returncode == 0, process.stderr[-2000:]
    assert process.stdout.strip().endswith("ok")
