"""A keras_ssl model refuses TensorFlow's `MultiWorkerMirroredStrategy`.

Keras 3's `fit` does not support that strategy (keras-team/keras issue
20585): its first step fails inside a collective. The model must say so as
it is built, naming the issue and the JAX path. The strategy is real: one
worker, its `TF_CONFIG` on a port picked free at run time, in a TensorFlow
subprocess (collectives are configured once per process, at start-up), so
this runs whatever the backend of the test run. `MirroredStrategy` keeps
working: `test_data_parallel.py` trains under it.
"""

import importlib.util
import json
import os
import socket
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

SCRIPT = """
import tensorflow as tf
import keras_ssl

strategy = tf.distribute.MultiWorkerMirroredStrategy()
with strategy.scope():
    encoder = keras_ssl.encoders.ConvNet(input_shape=(8, 8, 1), stage_filters=((4,),))
    try:
        keras_ssl.SimCLR(encoder)
    except RuntimeError as error:
        print("REFUSED " + str(error).replace(chr(10), " "))
    else:
        print("BUILT")
"""


@pytest.mark.skipif(
    importlib.util.find_spec("tensorflow") is None,
    reason="MultiWorkerMirroredStrategy is TensorFlow's: tensorflow is not installed",
)
def test_model_built_under_multi_worker_strategy_refuses_at_once():
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        port = probe.getsockname()[1]
    tf_config = {
        "cluster": {"worker": [f"localhost:{port}"]},
        "task": {"type": "worker", "index": 0},
    }
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3",
               TF_CONFIG=json.dumps(tf_config), CUDA_VISIBLE_DEVICES="")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    process = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                             text=True, timeout=300)
    lines = [line for line in process.stdout.splitlines() if line.startswith(("REFUSED", "BUILT"))]
    assert process.returncode == 0 and lines, process.stderr[-3000:]
    message = lines[-1]
    assert message.startswith("REFUSED SimCLR cannot train under")
    assert "https://github.com/keras-team/keras/issues/20585" in message
    assert "KERAS_BACKEND=jax" in message and "keras_ssl.distributed.initialize" in message
    assert "docs/distributed.md" in message
