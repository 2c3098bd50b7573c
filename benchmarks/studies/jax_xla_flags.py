"""Opt-in XLA:CPU flags on keras_ssl's JAX path: their measured effect.

keras_ssl never sets `XLA_FLAGS` (they are the user's, per process). This
script measures what some XLA:CPU flags of the installed jaxlib do to the
steady-state step of ConvNet rows of benchmarks/throughput_rows.py in
compute mode (random pixels, views = inputs, batch 256, SGD). Each setting
runs in its own process (XLA reads the flags once): a warm-up `fit` traces
the model, then three 6-step `fit` calls are timed and their median
reported. The default setting runs first and again last, so the drift of
the machine between the two is visible next to the flags' effects.

A finished study (its result is in BENCHMARKS.md, "Opt-in XLA:CPU flags":
none is worth setting on the 2-core CPU); rerun it with a new jaxlib.

Usage:
    python benchmarks/studies/jax_xla_flags.py [--rows simclr,byol]
"""

import argparse
import json
import os
import subprocess
import sys
import time

# benchmarks/, where throughput_rows.py is (the workers import it too).
BENCHMARKS_DIRECTORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, BENCHMARKS_DIRECTORY)

STEPS, BATCH, ROUNDS = 6, 256, 3

SETTINGS = (
    "",
    "--xla_cpu_use_onednn=true",
    "--xla_cpu_experimental_onednn_custom_call=true",
    "--xla_cpu_use_xnnpack=true",
    "--xla_cpu_enable_fast_math=true",
    "--xla_cpu_multi_thread_eigen=false",
    "",
)


def worker(method):
    """In a child: median ms per step of `method`'s ConvNet row."""
    import keras
    import numpy as np

    from throughput_rows import build_model

    keras.utils.set_random_seed(0)
    model = build_model(method, "convnet", (28, 28, 1), augment=False)
    model.compile(optimizer=keras.optimizers.SGD(0.06, momentum=0.9))
    model.fit(np.zeros((2 * BATCH, 28, 28, 1), "float32"), batch_size=BATCH, verbose=0)
    images = 255 * np.random.default_rng(0).random((STEPS * BATCH, 28, 28, 1), dtype="float32")
    seconds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        model.fit(images, batch_size=BATCH, shuffle=False, verbose=0)
        seconds.append((time.perf_counter() - started) / STEPS)
    print(json.dumps({"ms_per_step": 1000 * float(np.median(seconds))}))


def run_setting(method, flags):
    environment = dict(os.environ, KERAS_BACKEND="jax", XLA_FLAGS=flags,
                       TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run(
        [sys.executable, __file__, "--worker", method], env=environment,
        capture_output=True, text=True, cwd=BENCHMARKS_DIRECTORY,
    )
    if result.returncode != 0:
        return None, result.stderr.strip().splitlines()[-1:]
    return json.loads(result.stdout.strip().splitlines()[-1])["ms_per_step"], None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="simclr,byol")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker)
    import jax
    import keras

    started = time.perf_counter()
    print(f"keras {keras.__version__}, jax {jax.__version__}, {os.cpu_count()} CPUs, "
          f"batch {BATCH}, median of {ROUNDS} {STEPS}-step fits per setting")
    print("| row | XLA_FLAGS | ms/step | speed-up vs the first default |\n|---|---|---:|---:|")
    for method in args.rows.split(","):
        baseline = None
        for flags in SETTINGS:
            milliseconds, error = run_setting(method, flags)
            if milliseconds is None:
                print(f"| {method}_convnet | `{flags}` | failed: {error} | |", flush=True)
                continue
            baseline = baseline or milliseconds
            print(f"| {method}_convnet | {f'`{flags}`' if flags else '(default)'} "
                  f"| {milliseconds:.0f} | {baseline / milliseconds:.2f}x |", flush=True)
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    sys.exit(main())
