"""Train-step throughput of every keras_ssl method, per backend.

For each backend that is installed (tensorflow, jax, torch) and each
configuration below, a worker process builds the models of one row, trains
them with SGD (lr 0.06, momentum 0.9, as the reference) and times whole
epochs of `fit`. Every model first runs a warm-up epoch (tracing,
compilation); then the row's models take turns, one epoch each, for a few
rounds. The machine is shared and its speed drifts by up to 2x over
seconds, so every ratio is paired: the median over rounds of one model's
throughput over another's measured in the same round. Modes:

- `compute`: pre-made inputs, no augmentation (identity views), with
  `jit_compile` off and on; this is what the reference table measures.
- `compute bf16`: the same under `mixed_bfloat16` (TensorFlow, SimCLR
  ResNet-18).
- `end-to-end`: `fit` on uint8 numpy images with the method's default
  on-device augmentation and the default `jit_compile="auto"` (text: `fit`
  on raw strings, tokenized and masked in tf.data); compared with the
  `compute` run of the same jit setting.
- `reference`: where torch is installed, the issue's PyTorch networks
  (reference_pytorch.py) in the same worker, taking turns with keras_ssl.
- `plain Keras`: the hand-written Keras SimCLR step of
  plain_keras_simclr.py (TensorFlow worker, SimCLR ConvNet).

Images/s counts each input image once (two views, or four rotations, of an
image count as one image), as the reference does; the masked LM counts texts.
Peak memory is the worker process's maximum resident set size after that
configuration's warm-up (the row's earlier configurations are still alive,
so it is cumulative within a row).

Usage:
    python benchmarks/throughput.py            # everything, ~10 min on 2 cores
    python benchmarks/throughput.py --quick    # a smoke run: one 32-example step per mode (code paths, not speed)
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
# networks in plain PyTorch (reference_pytorch.py) run in the same worker,
# taking turns with keras_ssl, and ratios are taken against that.
ISSUE_REFERENCE = {
    "simclr_convnet": 230.0,
    "byol_convnet": 148.0,
    "simclr_resnet18": 13.7,
    "byol_resnet18": 9.4,
}

# name -> (method, encoder, input shape, batch size, steps per epoch); every
# other registered method gets a ConvNet row from `all_rows()`.
ROWS = {
    "simclr_convnet": ("simclr", "convnet", (28, 28, 1), 256, 4),
    "byol_convnet": ("byol", "convnet", (28, 28, 1), 256, 4),
    "simclr_resnet18": ("simclr", "resnet18", (32, 32, 3), 128, 1),
    "byol_resnet18": ("byol", "resnet18", (32, 32, 3), 128, 1),
    "autoencoder_convnet": ("autoencoder", "convnet", (28, 28, 1), 256, 4),
    "rotation_convnet": ("rotation", "convnet", (28, 28, 1), 256, 2),
    "mlm_tiny": ("mlm", "text_transformer", (64,), 64, 8),
}
# Timed rounds after the warm-up epochs (full run, --quick); each round
# runs one epoch of every configuration of the row, in turn.
TIMED_EPOCHS = {"convnet": (3, 1), "resnet18": (2, 1), "text_transformer": (3, 1)}
# JAX's XLA:CPU convolutions are 3-5x slower than TensorFlow's here: its
# ConvNet epochs have half the steps, to keep the full run under 10 minutes.
JAX_CONVNET_STEPS = 2
# Seconds of rest before each timed epoch, so that the threads of the run
# before (TensorFlow, XLA, PyTorch and tf.data pools) have gone idle.
REST_S = 0.2
# --quick (the CI smoke run) times one step of this many examples.
QUICK_BATCH = 32

ALL_MODES = (("compute", False), ("compute", True), ("end-to-end", "auto"))
DEFAULT_MODES = (("compute", "auto"), ("end-to-end", "auto"))


def modes_for(backend, row, quick):
    """Which (mode, jit_compile) to time, within a 10-minute full run.

    TensorFlow: jit_compile off and on for SimCLR on the small ConvNet,
    the default (off: faster on CPU) elsewhere, plus SimCLR ResNet-18
    under the `mixed_bfloat16` policy. JAX (always jitted): SimCLR ConvNet
    compute-only and end-to-end, BYOL ConvNet, the autoencoder and the
    masked LM compute-only; not rotation, ResNet-18 or the other registered
    methods' rows, whose XLA:CPU convolutions take seconds per step
    (measure them with `--rows ... --backends jax`). torch (eager): the
    small-ConvNet reference rows, compute-only.
    """
    if quick:
        return DEFAULT_MODES
    if backend == "torch":
        small_reference = row in ("simclr_convnet", "byol_convnet")
        return (("compute", "auto"),) if small_reference else ()
    if backend == "tensorflow":
        if row == "simclr_resnet18":
            return DEFAULT_MODES + (("compute bf16", "auto"),)
        if row == "simclr_convnet":
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
_ALL_ROWS = {}


def all_rows():
    """ROWS plus a ConvNet row (default heads) for every other image method
    in `keras_ssl.list_methods()`, so a new method needs no edit here."""
    if not _ALL_ROWS:
        import importlib.util

        if importlib.util.find_spec("tensorflow") is None:  # e.g. a JAX-only machine
            os.environ.setdefault("KERAS_BACKEND", "jax")
        import keras_ssl

        _ALL_ROWS.update(ROWS)
        listed = {method for method, *_ in ROWS.values()}
        for method in keras_ssl.list_methods():
            takes_images = keras_ssl.methods.get_method(method).inputs_class is (
                keras_ssl.inputs.ImageInputs
            )
            if method not in listed and takes_images:
                _ALL_ROWS[f"{method}_convnet"] = (method, "convnet", (28, 28, 1), 256, 4)
    return _ALL_ROWS


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
    # Any other registered joint-embedding method, with its default heads.
    return keras_ssl.methods.get_method(method)(encoder, augmentation=views, seed=0)


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
    return 255.0 * rng.random((count,) + shape, dtype="float32")  # pixels 0-255


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


def is_variant(mode, jit_compile):
    """XLA or bfloat16 runs: each gets its own worker, beside a default run."""
    return jit_compile is True or mode.endswith("bf16")


def worker(args):
    """Warm every run of one row up, then time them in turns (round robin).

    The main worker of a row holds its default runs (compute, end-to-end),
    the PyTorch reference and, for SimCLR ConvNet on TensorFlow, the plain
    Keras step. A variant (jit_compile=True, mixed_bfloat16) runs in a
    worker of its own beside a default compute run, and is reported against
    that. (In a check with the reference inside the TensorFlow worker, it
    ran at 23-25 ResNet-18 images/s next to a bfloat16 run and 30 next to
    float32 runs only; keeping the variants apart leaves that question out.)
    """
    import keras
    import numpy as np

    backend = keras.backend.backend()
    full, quick = TIMED_EPOCHS[all_rows()[args.row][1]]
    rounds = quick if args.quick else full
    modes = modes_for(backend, args.row, args.quick)
    if args.explicit and not args.quick:
        modes = explicit_modes(backend, args.row)
    variants = [mode for mode in modes if is_variant(*mode)]
    runs = {}
    if args.variant is None:
        for mode, jit_compile in modes:
            if not is_variant(mode, jit_compile):
                runs[(mode, jit_compile)] = KerasSSLRun(
                    args.row, mode, jit_compile, quick=args.quick
                )
        if not args.quick and args.row in ISSUE_REFERENCE and torch_available():
            runs[("reference", None)] = PyTorchReferenceRun(args.row)
        if not args.quick and backend == "tensorflow" and args.row == "simclr_convnet":
            runs[("plain Keras", False)] = PlainKerasRun(args.row)
    else:
        runs[("compute", "auto")] = KerasSSLRun(args.row, "compute", "auto")
        mode, jit_compile = variants[args.variant]
        runs[(mode, jit_compile)] = KerasSSLRun(args.row, mode, jit_compile)
    warmup, memory = {}, {}
    for key, run in runs.items():
        # The first epoch warms up (tracing, compilation, allocations).
        warmup[key] = run.epoch()
        memory[key] = peak_memory_mb()
    seconds = {key: [] for key in runs}
    for _ in range(rounds):
        for key, run in runs.items():
            time.sleep(REST_S)
            seconds[key].append(run.epoch())
    reference = runs.get(("reference", None))
    compute_key = next(
        (key for key in runs if key[0] == "compute" and key[1] in ("auto", False)), None
    )
    for key, run in runs.items():
        mode, jit_compile = key
        if args.variant is not None and key == compute_key:
            continue  # reported by the row's main worker
        median = float(np.median(seconds[key]))
        result = {
            "row": args.row, "backend": backend, "mode": mode,
            "jit_compile": jit_compile,
            "images_per_s": run.count / median,
            "best_images_per_s": run.count / min(seconds[key]),
            "step_ms": 1000 * median / run.steps,
            "warmup_s": warmup[key],
            # The reference runs in its own process, not measured here.
            "peak_memory_mb": None if mode == "reference" else memory[key],
        }
        if reference is not None and mode in ("compute", "plain Keras"):
            result["vs_reference"] = paired_ratio(
                seconds[key], seconds[("reference", None)], run.count, reference.count
            )
        if compute_key is not None and key != compute_key and mode not in (
            "reference", "plain Keras"
        ):
            result["vs_compute"] = paired_ratio(
                seconds[key], seconds[compute_key], run.count, runs[compute_key].count
            )
        print("RESULT " + json.dumps(result), flush=True)
    if reference is not None:
        reference.close()
    if args.variant is None:
        print(f"VARIANTS {len(variants)}", flush=True)


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


def run_worker(backend, row, quick, explicit, variant=None):
    """Results of one worker, and how many variant workers the row has."""
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    command = [sys.executable, __file__, "--worker", "--row", row]
    if quick:
        command.append("--quick")
    if explicit:
        command.append("--explicit")
    if variant is not None:
        command += ["--variant", str(variant)]
    process = subprocess.run(command, env=env, capture_output=True, text=True)
    lines = process.stdout.splitlines()
    results = [json.loads(line[len("RESULT "):]) for line in lines if line.startswith("RESULT ")]
    variants = [int(line.split()[1]) for line in lines if line.startswith("VARIANTS ")]
    if process.returncode != 0:
        tail = process.stderr.strip().splitlines()[-3:]
        print(f"worker {backend}/{row} failed: {' | '.join(tail)}", file=sys.stderr)
    return results, (variants[0] if variants else 0)


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


def markdown(results):
    lines = [
        "| configuration | backend | mode | jit_compile | images/s (median) "
        "| best epoch | ms/step | vs reference | vs compute "
        "| peak memory (MB) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ratio = f"{r['vs_reference']:.2f}x" if "vs_reference" in r else ""
        versus = f"{100 * (r['vs_compute'] - 1):+.0f}%" if "vs_compute" in r else ""
        unit = " texts/s" if r["row"].startswith("mlm") else ""
        jit = "" if r["jit_compile"] is None else r["jit_compile"]
        memory = "" if r["peak_memory_mb"] is None else f"{r['peak_memory_mb']:.0f}"
        lines.append(
            f"| {r['row']} | {r['backend']} | {r['mode']} | {jit} "
            f"| {r['images_per_s']:.1f}{unit} | {r['best_images_per_s']:.1f} "
            f"| {r['step_ms']:.0f} | {ratio} | {versus} | {memory} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: one 32-example step per mode")
    parser.add_argument("--backends", default="tensorflow,jax,torch")
    parser.add_argument("--rows", default=None, help="comma list of rows (default: all)")
    parser.add_argument("--json", default=None, help="also write results here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--row", help=argparse.SUPPRESS)
    parser.add_argument("--explicit", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--variant", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    rows = args.rows.split(",") if args.rows else list(QUICK_ROWS if args.quick else all_rows())
    unknown = sorted(set(rows) - set(all_rows()))
    if unknown:
        parser.error(f"unknown rows {unknown}; choose from {sorted(all_rows())}")
    backends = available_backends(args.backends.split(","))
    if args.quick:
        backends = backends[:1]
    started = time.time()
    results, worker_seconds = [], {}
    explicit = bool(args.rows)
    for row in rows:
        for backend in backends:
            if explicit or modes_for(backend, row, args.quick):
                begin = time.time()
                found, variants = run_worker(backend, row, args.quick, explicit)
                for variant in range(variants):
                    found += run_worker(backend, row, args.quick, explicit, variant)[0]
                results.extend(found)
                worker_seconds[f"{backend}/{row}"] = time.time() - begin
    print(f"Date: {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"Machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}")
    print("Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()))
    print(f"Command: python benchmarks/throughput.py {' '.join(sys.argv[1:])}")
    print(f"Wall time: {time.time() - started:.0f} s ("
          + ", ".join(f"{k} {v:.0f} s" for k, v in worker_seconds.items()) + ")\n")
    references = [r for r in results if r["mode"] == "reference"]
    if references:
        print("PyTorch reference (reference_pytorch.py, a process of its own "
              "whose epochs take turns with keras_ssl's in each worker); "
              "median images/s, the issue's figures in brackets:")
        for r in references:
            print(f"- {r['row']} ({r['backend']} worker): "
                  f"{r['images_per_s']:.1f} ({ISSUE_REFERENCE[r['row']]})")
        print()
    elif not args.quick:
        print("No torch here: no reference measured, so no ratios.\n")
    print(markdown(results))
    if args.json:
        with open(args.json, "w") as file:
            json.dump(results, file, indent=1)
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
