"""The timed runs of the throughput benchmark: keras_ssl's, the PyTorch
reference's (in its own process) and the plain Keras SimCLR step's; each
`epoch()` times one epoch of `fit`.
"""

import os
import subprocess
import sys
import time

from throughput_rows import JAX_CONVNET_STEPS
from throughput_rows import QUICK_BATCH
from throughput_rows import all_rows
from throughput_rows import build_model
from throughput_rows import make_data

def epoch_timer():
    """A callback recording the wall time of each epoch of `fit` (Keras
    fetches the logs at the end of an epoch, which waits for its steps)."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self.start)

    return EpochTimer()


def timed_epoch(model, data, **kwargs):
    """Seconds of one epoch of `model.fit(data, **kwargs)`."""
    timer = epoch_timer()
    model.fit(data, epochs=1, verbose=0, callbacks=[timer], **kwargs)
    return timer.seconds[0]


class KerasSSLRun:
    """One configuration of keras_ssl; `epoch()` times one epoch of `fit`."""

    def __init__(self, row, mode, jit_compile, quick=False):
        import keras

        method, encoder_name, shape, batch_size, steps = all_rows()[row]
        if keras.backend.backend() == "jax" and encoder_name == "convnet":
            steps = min(steps, JAX_CONVNET_STEPS)
        if quick:  # a smoke run: the code paths, not the speed
            batch_size, steps = min(batch_size, QUICK_BATCH), 1
        augment = mode == "end-to-end"
        keras.mixed_precision.set_global_policy(
            "mixed_bfloat16" if mode.endswith("bf16") else "float32"
        )
        try:
            keras.utils.set_random_seed(0)
            self.model = build_model(method, encoder_name, shape, augment)
        finally:
            keras.mixed_precision.set_global_policy("float32")
        self.model.compile(
            optimizer=keras.optimizers.SGD(learning_rate=0.06, momentum=0.9),
            jit_compile=jit_compile,
        )
        self.count = batch_size * steps
        self.steps = steps
        self.data = make_data(method, shape, self.count, augment, self.model, batch_size)
        self.kwargs = {"batch_size": batch_size, "shuffle": False}
        if method == "mlm" and not augment:
            self.kwargs = {"steps_per_epoch": steps}

    def epoch(self):
        return timed_epoch(self.model, self.data, **self.kwargs)


class PyTorchReferenceRun:
    """reference_pytorch.py's network for `row`, in its own process (so the
    frameworks share no thread pool or allocator), one epoch per request."""

    def __init__(self, row):
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference_pytorch.py")
        self.process = subprocess.Popen(
            [sys.executable, script, "--serve", row, "--threads", "2"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        )
        ready = self.process.stdout.readline().split()
        if not ready or ready[0] != "ready":
            raise RuntimeError(f"reference_pytorch.py --serve {row} did not start")
        self.count, self.steps = int(ready[1]), int(ready[2])

    def epoch(self):
        self.process.stdin.write("epoch\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())

    def close(self):
        self.process.stdin.close()
        self.process.wait()


class PlainKerasRun:
    """plain_keras_simclr.py's hand-written Keras SimCLR step (TensorFlow)."""

    def __init__(self, row):
        import keras

        import plain_keras_simclr

        _, _, shape, batch_size, steps = all_rows()[row]
        keras.utils.set_random_seed(0)
        self.model = plain_keras_simclr.PlainSimCLR(shape)
        self.model.compile(optimizer=keras.optimizers.SGD(0.06, momentum=0.9))
        self.data = plain_keras_simclr.random_views(shape, batch_size, steps)
        self.count, self.steps = batch_size * steps, steps

    def epoch(self):
        return timed_epoch(self.model, self.data)


def torch_available():
    import importlib.util

    return importlib.util.find_spec("torch") is not None


def peak_memory_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def paired_ratio(seconds, baseline_seconds, count, baseline_count):
    """Median over rounds of (throughput / baseline throughput), each round's
    epochs run back to back, so drift of the shared machine cancels out."""
    import numpy as np

    ratios = [
        (count / s) / (baseline_count / b) for s, b in zip(seconds, baseline_seconds)
    ]
    return float(np.median(ratios))
