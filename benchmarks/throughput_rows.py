"""The throughput benchmark's rows and modes, and the models and data they time.

Imported by throughput.py (the runner) and throughput_runs.py (the timed
runs); see throughput.py for what is measured.
"""

import os

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
    "mae_vit": ("mae", "vit", (28, 28, 1), 256, 4),
}

# Timed rounds after the warm-up epochs (full run, --quick); each round
# runs one epoch of every configuration of the row, in turn.
TIMED_EPOCHS = {
    "convnet": (3, 1), "resnet18": (2, 1), "text_transformer": (3, 1), "vit": (3, 1),
}

# JAX's XLA:CPU convolutions are 3-5x slower than TensorFlow's here: its
# ConvNet epochs have half the steps, to keep the full run under 10 minutes.
JAX_CONVNET_STEPS = 2

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


def is_variant(mode, jit_compile):
    """XLA or bfloat16 runs: each gets its own worker, beside a default run."""
    return jit_compile is True or mode.endswith("bf16")

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


def local_crop(images):
    """A 12x12 'local crop' without augmentation: the whole image resized."""
    import keras

    return keras.ops.image.resize(images, (12, 12))


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
    elif encoder_name == "vit":  # the mae_vit_mnist5k preset's ViT
        encoder = keras_ssl.encoders.ViT(input_shape=shape, pooling="mean")
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
    if method == "mae":  # no views: the random masking is its own
        return keras_ssl.MAE(encoder, seed=0)
    if method == "dino":  # compute: 2 global crops as given, 6 local ones resized
        crops = None if augment else (identity, identity) + (local_crop,) * 6
        return keras_ssl.DINO(encoder, augmentation=crops, seed=0)
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
