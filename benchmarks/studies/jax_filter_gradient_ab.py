"""What keras_ssl's 3x3 filter gradient is worth on JAX: the same model with
`keras_ssl.layers.Conv2D`'s matrix-product filter gradient and with XLA's
own (the layer's hook switched off before tracing), epochs in turns.

A finished study (its result is in BENCHMARKS.md, "JAX on CPU: where the
time goes"); rerun it with a new jaxlib, or on another device, to see
whether the custom filter gradient is still worth its code.

Each configuration is a ConvNet row of benchmarks/throughput_rows.py in
compute mode (random pixels, views = inputs), batch 256, SGD; both are
traced by a warm-up `fit`, then time one 6-step `fit` each, in turns, for
3 rounds.
Milliseconds per step; the speed-up is paired (the median over rounds of
XLA's time over keras_ssl's in the same round).

Usage:
    python benchmarks/studies/jax_filter_gradient_ab.py [--rows simclr,byol]
"""

import argparse
import os
import sys
import time

os.environ["KERAS_BACKEND"] = "jax"
# benchmarks/, where throughput_rows.py is.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_ssl.layers.conv2d as conv2d_module  # noqa: E402
from throughput_rows import build_model  # noqa: E402

STEPS, BATCH, ROUNDS = 6, 256, 3


def traced_model(method, matrix_product):
    """A compiled model traced with (or without) the filter-gradient hook."""
    hook = conv2d_module.conv3x3_same
    if not matrix_product:
        conv2d_module.conv3x3_same = lambda inputs, kernel: None  # Keras's conv
    try:
        keras.utils.set_random_seed(0)
        model = build_model(method, "convnet", (28, 28, 1), augment=False)
        model.compile(optimizer=keras.optimizers.SGD(0.06, momentum=0.9))
        model.fit(np.zeros((2 * BATCH, 28, 28, 1), "float32"), batch_size=BATCH, verbose=0)
    finally:
        conv2d_module.conv3x3_same = hook
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="simclr,byol")
    args = parser.parse_args()
    images = 255 * np.random.default_rng(0).random((STEPS * BATCH, 28, 28, 1), dtype="float32")
    print(f"keras {keras.__version__}, backend {keras.backend.backend()}, "
          f"{os.cpu_count()} CPUs, batch {BATCH}, {STEPS} steps x {ROUNDS} rounds")
    print("| row | XLA filter gradient (ms/step) | keras_ssl filter gradient (ms/step) "
          "| paired speed-up |\n|---|---:|---:|---:|")
    for method in args.rows.split(","):
        models = {"xla": traced_model(method, False), "ours": traced_model(method, True)}
        seconds = {name: [] for name in models}
        for _ in range(ROUNDS):
            for name, model in models.items():
                started = time.perf_counter()
                model.fit(images, batch_size=BATCH, shuffle=False, verbose=0)
                seconds[name].append((time.perf_counter() - started) / STEPS)
        ratio = np.median(np.array(seconds["xla"]) / np.array(seconds["ours"]))
        print(f"| {method}_convnet | {1000 * np.median(seconds['xla']):.0f} "
              f"| {1000 * np.median(seconds['ours']):.0f} | {ratio:.2f}x |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
