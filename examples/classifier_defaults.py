"""`ImageClassifier`'s defaults against its own probe, as a user calls them.

For a preset (or a saved `.keras` SSL model) and a label budget, each draw
`d` of the labelled subset (`per_class_subset(labels, n, seed=d)`) runs what
a user writes, once per configuration:

    keras.utils.set_random_seed(d)
    classifier = keras_ssl.ImageClassifier.from_preset(preset, num_classes=10, **config)
    classifier.compile()
    classifier.fit(x, y, epochs=50, batch_size=32, verbose=0)

and scores it on the data set's test split. `defaults` is the class with no
arguments; the other rows name the arguments they set. It prints a markdown
table of mean ± std over the draws (accuracy, %) and the seconds it took.

Usage:
    python examples/classifier_defaults.py simclr_convnet_mnist5k --labels-per-class 10
    python examples/classifier_defaults.py model.keras --data fashion_mnist \
        --labels-per-class 60 --configs defaults probe
"""

import argparse
import time

import keras
import numpy as np

import keras_ssl

#: Named configurations: ImageClassifier arguments.
CONFIGS = {
    "defaults": {},
    "probe": {"mode": "probe"},
    "finetune": {"mode": "finetune"},
    "two_stage": {"mode": "two_stage"},
    "two_stage_head10": {"mode": "two_stage", "head_epochs": 10},
    "two_stage_factor0.3": {"mode": "two_stage", "encoder_learning_rate_factor": 0.3},
}


def load_split(data, split):
    if data == "mnist5k":
        return keras_ssl.datasets.mnist5k(split)
    return keras_ssl.datasets.fashion_mnist(split)


def classifier_for(source, config):
    if source.endswith(".keras"):
        model = keras.saving.load_model(source)
        encoder = getattr(model, "encoder", model)
        return keras_ssl.ImageClassifier(encoder=encoder, num_classes=10, **config)
    return keras_ssl.ImageClassifier.from_preset(source, num_classes=10, **config)


def accuracy(source, config, train, test, draw, epochs, batch_size):
    keras.utils.set_random_seed(draw)
    classifier = classifier_for(source, config)
    classifier.compile()
    classifier.fit(*train, epochs=epochs, batch_size=batch_size, verbose=0)
    return classifier.evaluate(*test, batch_size=256, verbose=0, return_dict=True)["accuracy"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default="simclr_convnet_mnist5k")
    parser.add_argument("--data", choices=("mnist5k", "fashion_mnist"), default="mnist5k")
    parser.add_argument("--labels-per-class", type=int, default=10)
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    args = parser.parse_args()
    start = time.perf_counter()
    x_pool, y_pool = load_split(args.data, "train")
    test = load_split(args.data, "test")
    print(f"| configuration | {args.source}, {args.labels_per_class} labels per class, "
          f"{args.data} test, mean ± std of {args.draws} draws |\n|---|---:|")
    for name in args.configs:
        scores = []
        for draw in range(args.draws):
            index = keras_ssl.datasets.per_class_subset(y_pool, args.labels_per_class, seed=draw)
            scores.append(accuracy(
                args.source, CONFIGS[name], (x_pool[index], y_pool[index]), test,
                draw, args.epochs, args.batch_size,
            ))
        print(f"| {name} | {100 * np.mean(scores):.1f} ± {100 * np.std(scores):.1f} |", flush=True)
    print(f"\n{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
