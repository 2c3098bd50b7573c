"""The supervised upper bound of issue 30's Fashion-MNIST table.

The encoder of a preset's architecture (default: the ConvNet of
`vicreg_convnet_fashion_mnist`), from random init, plus a linear head,
trained with labels as a user would: `ImageClassifier(encoder, 10,
mode="finetune", train_batch_norm=True)` with its light augmentation,
`compile()` (Adam 1e-3), `fit(..., batch_size=128)`.

"As long as it takes to converge" is chosen on the validation split, never
on the test images: first a fit on the first 55,000 training images with
`EarlyStopping` on the last 5,000 (validation accuracy, patience
`--patience`, at most `--max-epochs`); then a fresh model is fitted on all
60,000 labels for the best epoch count and scored once on the official
10,000 test images. Prints the figures and writes them, with the command,
as JSON.

Usage:
    python examples/fashion_supervised.py --output docs/fashion_mnist/supervised_all.json
    python examples/fashion_supervised.py --max-epochs 1 --subset 2000   # smoke run
"""

import argparse
import json
import sys
import time

import keras
import numpy as np

import keras_ssl
from keras_ssl.backend import backend_name
from keras_ssl.evaluation.fine_tune import random_init_copy


def new_classifier(architecture, seed):
    """A random-init copy of `architecture` with a linear head, compiled."""
    keras.utils.set_random_seed(seed)
    classifier = keras_ssl.ImageClassifier(
        random_init_copy(architecture), num_classes=10, mode="finetune",
        train_batch_norm=True,
    )
    classifier.compile()
    return classifier


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="vicreg_convnet_fashion_mnist",
                        help="whose encoder architecture to train (its weights are not used)")
    parser.add_argument("--max-epochs", type=int, default=40)
    parser.add_argument("--patience", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--subset", type=int, default=None,
                        help="first N images of each split only (a smoke run)")
    parser.add_argument("--output", default=None, help="JSON file to write")
    args = parser.parse_args()

    splits = {}
    for split in ("train_without_validation", "validation", "train", "test"):
        images, labels = keras_ssl.datasets.fashion_mnist(split)
        splits[split] = (images[: args.subset], labels[: args.subset])
    architecture = keras_ssl.load_encoder(args.preset)
    start = time.perf_counter()

    chooser = new_classifier(architecture, args.seed)
    stop = keras.callbacks.EarlyStopping(
        monitor="val_accuracy", patience=args.patience, restore_best_weights=True,
    )
    history = chooser.fit(
        *splits["train_without_validation"], validation_data=splits["validation"],
        epochs=args.max_epochs, batch_size=args.batch_size, callbacks=[stop], verbose=2,
    )
    validation = history.history["val_accuracy"]
    best_epochs = int(np.argmax(validation)) + 1
    print(f"best epoch count on the validation split: {best_epochs} "
          f"({max(validation):.4f})", flush=True)

    final = new_classifier(architecture, args.seed)
    final.fit(*splits["train"], epochs=best_epochs, batch_size=args.batch_size, verbose=2)
    test = final.evaluate(*splits["test"], batch_size=256, verbose=0, return_dict=True)
    seconds = time.perf_counter() - start
    record = {
        "name": "supervised, all labels",
        "encoder": f"a random-init copy of the encoder of {args.preset}",
        "command": "python " + " ".join(sys.argv),
        "backend": backend_name(),
        "validation_accuracy_by_epoch": [round(float(v), 4) for v in validation],
        "epochs": best_epochs,
        "test_accuracy": round(float(test["accuracy"]), 4),
        "seconds": round(seconds, 1),
    }
    print(json.dumps(record, indent=2))
    if args.output:
        with open(args.output, "w") as stream:
            json.dump(record, stream, indent=2)
        print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
