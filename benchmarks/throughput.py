"""Train-step throughput of every keras_ssl method, per backend.

For each backend that is installed (tensorflow, jax, torch) and each
configuration below, a worker process builds the model, trains it with SGD
(lr 0.06, momentum 0.9, as the reference) and times whole epochs of `fit`
after a warm-up epoch (which includes tracing/compilation). The machine is
shared and noisy (epochs at half speed come and go), so several epochs are
timed and the median is reported, with the best epoch beside it:

- `compute`: pre-made inputs, no augmentation (identity views), with
  `jit_compile` off and on; this is what the reference table measures.
- `compute bf16`: the same under `mixed_bfloat16` (TensorFlow, SimCLR
  ResNet-18).
- `end-to-end`: `fit` on uint8 numpy images with the method's default
  on-device augmentation and the default `jit_compile="auto"` (text: `fit`
  on raw strings, tokenized and masked in tf.data).

Images/s counts each input image once (two views, or four rotations, of an
image count as one image), as the reference does; the masked LM counts texts.
Peak memory is the worker process's maximum resident set size.

Usage:
    python benchmarks/throughput.py            # everything, ~10 min on 2 cores
    python benchmarks/throughput.py --quick    # a ~1 minute smoke run
    python benchmarks/throughput.py --backends jax --rows simclr_convnet

Prints a markdown table; BENCHMARKS.md holds the output of one run.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

# Reference images/s (PyTorch 2.13 CPU + lightly 1.6.0, 2 threads, random
# inputs, augmentation excluded), as given in the performance issue. This
# machine may be faster or slower: when torch is installed, the same
# networks in plain PyTorch (reference_pytorch.py) are measured back to back
# and the ratio is taken against that measurement.
ISSUE_REFERENCE = {
    "simclr_convnet": 230.0,
    "byol_convnet": 148.0,
    "simclr_resnet18": 13.7,
    "byol_resnet18": 9.4,
}

# name -> (method, encoder, input shape, batch size, steps per epoch)
ROWS = {
    "simclr_convnet": ("simclr", "convnet", (28, 28, 1), 256, 4),
    "byol_convnet": ("byol", "convnet", (28, 28, 1), 256, 4),
    "simclr_resnet18": ("simclr", "resnet18", (32, 32, 3), 128, 1),
    "byol_resnet18": ("byol", "resnet18", (32, 32, 3), 128, 1),
    "autoencoder_convnet": ("autoencoder", "convnet", (28, 28, 1), 256, 4),
    "rotation_convnet": ("rotation", "convnet", (28, 28, 1), 256, 2),
    "mlm_tiny": ("mlm", "text_transformer", (64,), 64, 8),
}
# Timed epochs after the warm-up epoch (full run, --quick).
TIMED_EPOCHS = {"convnet": (3, 1), "resnet18": (3, 1), "text_transformer": (3, 1)}

ALL_MODES = (("compute", False), ("compute", True), ("end-to-end", "auto"))
DEFAULT_MODES = (("compute", "auto"), ("end-to-end", "auto"))


def modes_for(backend, row, quick):
    """Which (mode, jit_compile) to time, within a 10-minute full run.

    TensorFlow: jit_compile off and on for the small-ConvNet reference
    rows, the default (off: faster on CPU) elsewhere, plus SimCLR ResNet-18
    under the `mixed_bfloat16` policy. JAX (always jitted): SimCLR ConvNet
    compute-only and end-to-end, BYOL ConvNet, the autoencoder and the
    masked LM compute-only; not rotation or ResNet-18, whose XLA:CPU
    convolutions take seconds per step (measure them with `--rows ...
    --backends jax`). torch (eager): the small-ConvNet reference rows,
    compute-only.
    """
    if quick:
        return DEFAULT_MODES
    if backend == "torch":
        small_reference = row in ("simclr_convnet", "byol_convnet")
        return (("compute", "auto"),) if small_reference else ()
    if backend == "tensorflow":
        if row == "simclr_resnet18":
            return DEFAULT_MODES + (("compute bf16", "auto"),)
        if row in ("simclr_convnet", "byol_convnet"):
            return ALL_MODES
        return DEFAULT_MODES
    if row == "simclr_convnet":
        return DEFAULT_MODES
    if row in ("byol_convnet", "autoencoder_convnet", "mlm_tiny"):
        return (("compute", "auto"),)
    return ()


def explicit_modes(backend, row):
    """Modes when a row was asked for by name: at least the default one."""
    return modes_for(backend, row, quick=False) or (("compute", "auto"),)


QUICK_ROWS = ("simclr_convnet", "byol_convnet", "mlm_tiny")


def identity(images):
    """Views that are the inputs themselves (augmentation excluded)."""
    return images


# --- Worker: runs in a process whose KERAS_BACKEND is set --------------------


def build_model(method, encoder_name, shape, augment):
    import keras_ssl

    if method == "mlm":
        words = [f"w{i}" for i in range(2000)]
        vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
        encoder = keras_ssl.encoders.TextTransformer(
            vocabulary=vocabulary, sequence_length=shape[0]
        )
        return keras_ssl.MaskedLM(encoder, seed=0)
    if encoder_name == "convnet":
        encoder = keras_ssl.encoders.ConvNet(input_shape=shape)
    else:
        encoder = keras_ssl.encoders.ResNet18(input_shape=shape)
    views = None if augment else identity
    if method == "simclr":
        # Head Dense(d)+BN+ReLU+Dense(128)+BN, temperature 0.5: the reference.
        return keras_ssl.SimCLR(encoder, temperature=0.5, augmentation=views, seed=0)
    if method == "byol":
        # Projector d->1024->256, predictor 256->1024->256, momentum 0.99.
        return keras_ssl.BYOL(
            encoder, tau_base=0.99, augmentation=views, seed=0
        )
    if method == "autoencoder":
        return keras_ssl.ConvAutoencoder(encoder, seed=0)
    if method == "rotation":
        return keras_ssl.RotationPrediction(encoder, seed=0)
    raise ValueError(f"unknown method {method!r}")


def make_data(method, shape, count, augment, model, batch_size):
    """Inputs of `count` examples: float views (compute) or raw uint8/text."""
    import numpy as np

    rng = np.random.default_rng(0)
    if method == "mlm":
        texts = [
            " ".join(f"w{i}" for i in rng.integers(0, 2000, shape[0] - 2))
            for _ in range(count)
        ]
        if augment:
            return texts
        # Pre-tokenized, pre-masked batches held in memory.
        return model.prepare_inputs(texts, batch_size=batch_size).cache()
    if augment:
        return rng.integers(0, 256, (count,) + shape, dtype="uint8")
    return rng.random((count,) + shape, dtype="float32")


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


def measure(row, mode, jit_compile, timed_epochs):
    """Images (or texts) per second of one configuration, after warm-up."""
    import keras
    import numpy as np

    method, encoder_name, shape, batch_size, steps = ROWS[row]
    augment = mode == "end-to-end"
    keras.mixed_precision.set_global_policy(
        "mixed_bfloat16" if mode.endswith("bf16") else "float32"
    )
    keras.utils.set_random_seed(0)
    model = build_model(method, encoder_name, shape, augment)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.06, momentum=0.9),
        jit_compile=jit_compile,
    )
    count = batch_size * steps
    data = make_data(method, shape, count, augment, model, batch_size)
    timer = epoch_timer()
    kwargs = {"batch_size": batch_size, "shuffle": False}
    if method == "mlm" and not augment:
        kwargs = {"steps_per_epoch": steps}
    # Epoch 1 warms up (tracing, compilation, first-step allocations).
    model.fit(data, epochs=1 + timed_epochs, verbose=0, callbacks=[timer], **kwargs)
    seconds = np.median(timer.seconds[1:])
    return {
        "images_per_s": count / seconds,
        "best_images_per_s": count / min(timer.seconds[1:]),
        "step_ms": 1000 * seconds / steps,
        "warmup_s": timer.seconds[0],
    }


def peak_memory_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(args):
    import keras

    backend = keras.backend.backend()
    full, quick = TIMED_EPOCHS[ROWS[args.row][1]]
    timed_epochs = quick if args.quick else full
    modes = modes_for(backend, args.row, args.quick)
    if args.explicit and not args.quick:
        modes = explicit_modes(backend, args.row)
    for mode, jit_compile in modes:
        result = measure(args.row, mode, jit_compile, timed_epochs)
        result.update(
            row=args.row, backend=backend, mode=mode, jit_compile=jit_compile,
            peak_memory_mb=peak_memory_mb(),
        )
        print("RESULT " + json.dumps(result), flush=True)


# --- Parent: spawns workers, prints the table --------------------------------


def available_backends(requested):
    found = []
    for backend in requested:
        module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[backend]
        probe = subprocess.run(
            [sys.executable, "-c", f"import {module}"], capture_output=True
        )
        if probe.returncode == 0:
            found.append(backend)
    return found


def run_worker(backend, row, quick, explicit):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    command = [sys.executable, __file__, "--worker", "--row", row]
    if quick:
        command.append("--quick")
    if explicit:
        command.append("--explicit")
    process = subprocess.run(command, env=env, capture_output=True, text=True)
    results = [
        json.loads(line[len("RESULT "):])
        for line in process.stdout.splitlines()
        if line.startswith("RESULT ")
    ]
    if process.returncode != 0:
        tail = process.stderr.strip().splitlines()[-3:]
        print(f"worker {backend}/{row} failed: {' | '.join(tail)}", file=sys.stderr)
    return results


def versions():
    import importlib.metadata as metadata

    found = {}
    for package in ("keras", "tensorflow", "jax", "jaxlib", "torch", "keras-nlp", "numpy"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return found


def cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def measure_pytorch_reference(rows):
    """Median images/s of reference_pytorch.py's `rows`."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference_pytorch.py")
    process = subprocess.run(
        [sys.executable, script, "--rows", ",".join(rows)],
        capture_output=True, text=True,
    )
    measured = {}
    for line in process.stdout.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells and cells[0] in ISSUE_REFERENCE:
            measured[cells[0]] = float(cells[1])
    return measured


def measure_plain_keras():
    """The output line of plain_keras_simclr.py (TensorFlow, jit off)."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plain_keras_simclr.py")
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3")
    process = subprocess.run([sys.executable, script], capture_output=True, text=True, env=env)
    lines = [line for line in process.stdout.splitlines() if line.startswith("plain Keras")]
    return lines[-1] if lines else None


def markdown(results, reference):
    lines = [
        "| configuration | backend | mode | jit_compile | images/s (median) "
        "| best epoch | ms/step | vs reference | peak memory (MB) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        baseline = reference.get(r["row"])
        ratio = (
            f"{r['images_per_s'] / baseline:.2f}x"
            if baseline and r["mode"].startswith("compute") else ""
        )
        unit = "texts/s" if r["row"].startswith("mlm") else ""
        lines.append(
            f"| {r['row']} | {r['backend']} | {r['mode']} | {r['jit_compile']} "
            f"| {r['images_per_s']:.1f}{' ' + unit if unit else ''} "
            f"| {r['best_images_per_s']:.1f} | {r['step_ms']:.0f} | {ratio} "
            f"| {r['peak_memory_mb']:.0f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="~1 minute smoke run")
    parser.add_argument("--backends", default="tensorflow,jax,torch")
    parser.add_argument("--rows", default=None, help=f"comma list of {sorted(ROWS)}")
    parser.add_argument("--json", default=None, help="also write results here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--row", help=argparse.SUPPRESS)
    parser.add_argument("--explicit", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    rows = args.rows.split(",") if args.rows else list(QUICK_ROWS if args.quick else ROWS)
    unknown = sorted(set(rows) - set(ROWS))
    if unknown:
        parser.error(f"unknown rows {unknown}; choose from {sorted(ROWS)}")
    backends = available_backends(args.backends.split(","))
    if args.quick:
        backends = backends[:1]
    started = time.time()
    # Each reference row is measured right before the same row of keras_ssl
    # (back to back: the shared machine's speed drifts over minutes).
    measure_reference = not args.quick and available_backends(["torch"])
    reference, results, worker_seconds = {}, [], {}
    explicit = bool(args.rows)
    calibration = None
    for row in rows:
        if measure_reference and row in ISSUE_REFERENCE:
            reference.update(measure_pytorch_reference([row]))
        if row == "simclr_convnet" and not args.quick and "tensorflow" in backends:
            calibration = measure_plain_keras()
        for backend in backends:
            if explicit or modes_for(backend, row, args.quick):
                begin = time.time()
                results.extend(run_worker(backend, row, args.quick, explicit))
                worker_seconds[f"{backend}/{row}"] = time.time() - begin
    print(f"Date: {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"Machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}")
    print("Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()))
    print(f"Command: python benchmarks/throughput.py {' '.join(sys.argv[1:])}")
    print(f"Wall time: {time.time() - started:.0f} s ("
          + ", ".join(f"{k} {v:.0f} s" for k, v in worker_seconds.items()) + ")\n")
    if reference:
        print("PyTorch reference measured here (reference_pytorch.py, each row "
              "just before the same keras_ssl row), images/s; the issue's "
              "figures in brackets:")
        for row, value in reference.items():
            print(f"- {row}: {value:.1f} ({ISSUE_REFERENCE[row]})")
        print()
    else:
        reference = ISSUE_REFERENCE
        print("No torch here: ratios are against the issue's reference figures.\n")
    if calibration:
        print(f"Calibration, measured just after the reference's simclr_convnet "
              f"row (benchmarks/plain_keras_simclr.py): {calibration}\n")
    print(markdown(results, reference))
    if args.json:
        with open(args.json, "w") as file:
            json.dump(results, file, indent=1)
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
