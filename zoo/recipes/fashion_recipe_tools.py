"""What every Fashion-MNIST recipe shares: pretrain on the 60,000 training
images without labels, check on the validation split, measure with the
benchmark protocol on the official test split, write the preset.

Training saves `<output>.trained.keras` (and its seconds) before any
measurement, so a run stopped during the long protocol restarts there:
the same command skips the training it already finished.

    python zoo/recipes/vicreg_convnet_fashion_mnist.py           # the real run
    python zoo/recipes/vicreg_convnet_fashion_mnist.py --quick   # smoke run
"""

import json
import os
import time

import keras
import numpy as np

import keras_ssl
from recipe_tools import parse_args
from recipe_tools import print_metrics
from recipe_tools import write_preset

DATA = (
    "Fashion-MNIST (Xiao et al. 2017): the official 60,000 training images, "
    "labels unused"
)
SPLIT = (
    "pretrained on the 60,000 training images without labels; recipe checked "
    "on the validation split (probe trained on the first 55,000 training "
    "labels, scored on the last 5,000); figures on the official 10,000 test "
    "images, never used to choose"
)


def validation_probe(encoder):
    """Linear-probe accuracy on the validation split (the recipe's check)."""
    train = keras_ssl.datasets.fashion_mnist("train_without_validation")
    val = keras_ssl.datasets.fashion_mnist("validation")
    return keras_ssl.evaluation.linear_probe(encoder, train, val, epochs=30)["accuracy"]


def trained_model(build_model, optimizer, args):
    """The pretrained model, from the checkpoint when a run already made it."""
    checkpoint = args.output.rstrip("/") + ".trained.keras"
    seconds_file = checkpoint + ".json"
    if os.path.exists(checkpoint) and os.path.exists(seconds_file):
        print(f"Training already done: loading {checkpoint}")
        with open(seconds_file) as stream:
            seconds = json.load(stream)["train_seconds"]
        return keras.saving.load_model(checkpoint), seconds
    keras.utils.set_random_seed(args.seed)
    images, _ = keras_ssl.datasets.fashion_mnist("train")
    if args.quick:
        images = images[:2048]
    model = build_model(args.seed)
    steps = args.epochs * -(-len(images) // args.batch_size)
    model.compile(optimizer=optimizer(steps))
    start = time.perf_counter()
    model.fit(images, epochs=args.epochs, batch_size=args.batch_size, verbose=2)
    seconds = time.perf_counter() - start
    os.makedirs(os.path.dirname(os.path.abspath(checkpoint)), exist_ok=True)
    model.save(checkpoint)
    with open(seconds_file, "w") as stream:
        json.dump({"train_seconds": seconds}, stream)
    return model, seconds


def fashion_recipe(name, build_model, optimizer, epochs, batch_size, description):
    """Pretrain `build_model(seed)` on Fashion-MNIST, measure, write the preset.

    Args:
        name: preset name (the directory under `zoo/`).
        build_model: callable `seed -> keras_ssl SSL model`.
        optimizer: callable `steps -> keras optimizer` (steps of the run).
        epochs: int. Default epochs.
        batch_size: int. Default batch size.
        description: str. First line of the card.
    """
    args = parse_args(name, epochs, batch_size)
    model, seconds = trained_model(build_model, optimizer, args)
    print(f"validation probe: {validation_probe(model.encoder):.4f}", flush=True)
    quick = dict(draws=1, probe_epochs=2, fine_tune_epochs=1, subset=2000) if args.quick else {}
    metrics = keras_ssl.evaluation.benchmark_metrics(model.encoder, "fashion_mnist", **quick)
    print_metrics(name, metrics)
    write_preset(
        model,
        args,
        metrics,
        headline_metric="probe_accuracy_all",
        data=DATA,
        split=SPLIT,
        train_seconds=seconds,
        description=description,
        evaluation=keras_ssl.evaluation.BENCHMARK_DESCRIPTION,
    )
