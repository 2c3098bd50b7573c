"""Label efficiency: probe accuracy with 1, 10, 100 labels per class and all.

Every zoo preset pretrained on mnist5k (`keras_ssl.list_presets()`, made
from the 4,000 unlabeled training digits by `zoo/recipes/`: the ConvNet
presets and the MAE presets' ViT) is a row; with `--pretrain` each of their
methods is pretrained here for `--epochs` instead. Each encoder is then
frozen and probed on the 1,000 test digits with a linear probe and weighted
kNN trained on labeled subsets of the training digits (`keras_ssl.
evaluation.label_efficiency`: `per_class_subset` with seeds 0, 1, ...
averaged over draws; "all" is the whole set); `--fine-tune` adds a column
where a copy of each encoder is fine-tuned on the same subsets
(`keras_ssl.evaluation.fine_tune`). Baselines: raw pixels, a random-init
encoder of each architecture in the table (put through the same
fine-tuning recipe with `--fine-tune`), and the ConvNet trained from scratch
with labels on the same labeled subset (its own softmax head's test
accuracy).

Writes a markdown table (`--output-dir`/label_efficiency.md) and a plot
(label_efficiency.png).

    python examples/label_efficiency.py                    # the zoo's encoders
    python examples/label_efficiency.py --pretrain         # pretrain each here
    python examples/label_efficiency.py --quick            # a smoke test
"""

import argparse
import json
import math
import os
import time

import keras
import numpy as np

from label_efficiency_report import draws_text, markdown, plot

import keras_ssl
from keras_ssl.evaluation import label_efficiency

# The image encoders of the zoo's mnist5k presets.
ARCHITECTURES = ("ConvNet", "ViT")
# With --pretrain, MAE pretrains a ViT (the size of its zoo preset); every
# other method the default ConvNet.
PRETRAIN_ARCHITECTURE = {"MAE": "ViT"}


def zoo_presets():
    """`{preset name: (method class name, encoder)}` of the mnist5k image presets."""
    return {
        preset["name"]: (preset["method"], preset["encoder"])
        for preset in keras_ssl.list_presets()
        if preset["encoder"] in ARCHITECTURES and preset["data"].startswith("mnist5k")
    }


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pretrain", action="store_true",
        help="pretrain each method here instead of loading its zoo preset",
    )
    parser.add_argument("--epochs", type=int, default=30, help="with --pretrain: epochs per method")
    parser.add_argument("--batch-size", type=int, default=256, help="pretraining batch size")
    parser.add_argument(
        "--presets", default=",".join(zoo_presets()),
        help="comma-separated zoo presets (default: every image preset on mnist5k)",
    )
    parser.add_argument(
        "--fine-tune", action="store_true",
        help="add a fine-tuning column (keras_ssl.evaluation.fine_tune)",
    )
    parser.add_argument("--fine-tune-epochs", type=int, default=50)
    parser.add_argument(
        "--fine-tune-steps", type=int, default=None,
        help="instead of --fine-tune-epochs: optimizer steps of each fine-tuning run",
    )
    parser.add_argument("--labels-per-class", default="1,10,100,all")
    parser.add_argument(
        "--draws", type=int, default=5, help="labeled subsets per budget (except all)"
    )
    parser.add_argument("--probe-epochs", type=int, default=100)
    parser.add_argument("--k", type=int, default=20, help="kNN neighbours")
    parser.add_argument(
        "--supervised-steps", type=int, default=500,
        help="optimizer steps of each supervised-from-scratch run",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output-dir", default="docs")
    parser.add_argument(
        "--quick", action="store_true",
        help="tiny settings (1 epoch, 1 draw, 5 probe epochs, 20 supervised "
        "steps) to check the script runs; the numbers mean nothing",
    )
    args = parser.parse_args()
    if args.quick:
        args.pretrain = True
        args.epochs, args.draws, args.probe_epochs, args.supervised_steps = 1, 1, 5, 20
        args.fine_tune_epochs = 2
    args.budgets = tuple(
        item if item == "all" else int(item) for item in args.labels_per_class.split(",")
    )
    return args


def conv_net():
    return keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))


def random_encoder(architecture, presets, seed):
    """A randomly initialised encoder of `architecture`, seeded by `seed`.

    The ConvNet is the default one; any other architecture is rebuilt from
    the config of the first of `presets` ({name: (method, encoder)}) that
    uses it, so its random-init row has exactly the preset's size.
    """
    if architecture != "ConvNet":
        name = next(name for name, (_, arch) in presets.items() if arch == architecture)
        config = keras_ssl.load_encoder(name).get_config()
    keras.utils.set_random_seed(seed)
    if architecture == "ConvNet":
        return conv_net()
    return getattr(keras_ssl.encoders, architecture).from_config(config)


def pretrained_encoder(name, presets, images, args):
    """The encoder pretrained by method `name`, and the seconds it took."""
    architecture = PRETRAIN_ARCHITECTURE.get(name, "ConvNet")
    encoder = random_encoder(architecture, presets, args.seed)
    keras.utils.set_random_seed(args.seed)
    model = getattr(keras_ssl, name)(encoder=encoder, seed=args.seed)
    model.compile()
    start = time.time()
    model.fit(images, epochs=args.epochs, batch_size=args.batch_size, verbose=2)
    return model.encoder, time.time() - start


def supervised_accuracy(train, test, steps, seed):
    """Test accuracy of a ConvNet + softmax trained from scratch on `train`."""
    keras.utils.set_random_seed(seed)
    encoder = conv_net()
    inputs = keras.Input((28, 28, 1))
    outputs = keras.layers.Dense(10)(encoder(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    x, y = train
    batch_size = min(64, len(x))
    steps_per_epoch = math.ceil(len(x) / batch_size)
    epochs = max(1, math.ceil(steps / steps_per_epoch))
    model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0)  # pixels 0-255
    return model.evaluate(test[0], test[1], verbose=0, return_dict=True)["accuracy"]


def supervised_rows(train, test, args):
    """Rows like `label_efficiency`'s for the supervised baseline."""
    rows = []
    for budget in args.budgets:
        if budget == "all":
            subsets = [np.arange(len(train[1]))]
        else:
            subsets = [
                keras_ssl.datasets.per_class_subset(train[1], budget, seed=args.seed + draw)
                for draw in range(args.draws)
            ]
        scores = [
            supervised_accuracy((train[0][i], train[1][i]), test, args.supervised_steps, args.seed)
            for i in subsets
        ]
        rows.append({
            "labels_per_class": budget, "examples": len(subsets[0]), "draws": len(subsets),
            "probe_accuracy": float(np.mean(scores)), "probe_accuracy_std": float(np.std(scores)),
        })
    return rows


def fine_tune_budget(args):
    """The fine-tuning budget's command-line flag and value."""
    if args.fine_tune_steps is not None:
        return ("fine_tune_steps", args.fine_tune_steps)
    return ("fine_tune_epochs", args.fine_tune_epochs)


def fine_tune_text(args):
    flag, value = fine_tune_budget(args)
    return f"{value} optimizer steps per run" if flag == "fine_tune_steps" else f"{value} epochs"


def main():
    args = parse_args()
    train = keras_ssl.datasets.mnist5k("train")
    test = keras_ssl.datasets.mnist5k("test")
    probe_settings = dict(
        labels_per_class=args.budgets, draws=args.draws, k=args.k,
        probe_epochs=args.probe_epochs, seed=args.seed,
    )
    tuned_settings = dict(
        probe_settings, fine_tune=args.fine_tune, fine_tune_epochs=args.fine_tune_epochs,
        fine_tune_steps=args.fine_tune_steps,
    )
    results, seconds = {}, {}
    presets = zoo_presets()
    unknown = sorted(set(args.presets.split(",")) - set(presets))
    if unknown:
        raise SystemExit(f"--presets: {unknown} are not mnist5k image presets; known: {sorted(presets)}")
    chosen = {name: presets[name] for name in args.presets.split(",")}
    used = {
        PRETRAIN_ARCHITECTURE.get(method, "ConvNet") if args.pretrain else arch
        for method, arch in chosen.values()
    }
    # The ConvNet's random-init row always: it is the supervised row's encoder.
    architectures = [arch for arch in ARCHITECTURES if arch in used or arch == "ConvNet"]
    print("Probing raw pixels ...")
    results["raw pixels"] = label_efficiency(None, train, test, **probe_settings)
    for architecture in architectures:
        print(f"Measuring a random-init {architecture} ...")
        encoder = random_encoder(architecture, presets, args.seed)
        results[f"random-init {architecture}"] = label_efficiency(
            encoder, train, test, **tuned_settings
        )
    for preset, (name, _) in chosen.items():
        if args.pretrain:
            print(f"Pretraining {name} for {args.epochs} epochs ...")
            encoder, seconds[name] = pretrained_encoder(name, presets, train[0], args)
            label = f"{name} ({args.epochs} ep)"
        else:
            encoder = keras_ssl.load_encoder(preset)
            label = f"{name} (`{preset}`)"
        print(f"Measuring {label} ...")
        results[label] = label_efficiency(encoder, train, test, **tuned_settings)
    print("Training the supervised-from-scratch baseline ...")
    results["supervised from scratch"] = supervised_rows(train, test, args)

    os.makedirs(args.output_dir, exist_ok=True)
    command = "python examples/label_efficiency.py " + "--pretrain " * args.pretrain + " ".join(
        f"--{key.replace('_', '-')} {value}" for key, value in (
            *((("epochs", args.epochs), ("batch_size", args.batch_size)) if args.pretrain else ()),
            ("draws", args.draws),
            ("probe_epochs", args.probe_epochs), ("k", args.k),
            ("supervised_steps", args.supervised_steps), ("seed", args.seed),
            ("presets", args.presets), ("labels_per_class", args.labels_per_class),
            *((fine_tune_budget(args),) if args.fine_tune else ()),
        )
    ) + " --fine-tune" * args.fine_tune
    train_size = len(train[1])
    report = "\n\n".join([
        "# Label efficiency on mnist5k",
        f"Test accuracy (%) on the 1,000 mnist5k test digits with labeled subsets of "
        f"the 4,000 training digits (`per_class_subset`, {draws_text(args)}). "
        f"The encoders are the default `ConvNet` (128-d) and, for MAE, the `ViT` of "
        f"its zoo preset (64-d); methods pretrain them on the 4,000 unlabeled training digits "
        f"({'here' if args.pretrain else 'the zoo presets, made by zoo/recipes/'}). "
        f"Backend {keras.backend.backend()}; "
        f"made by `{command}`.",
        "## Linear probe (supervised row: the ConvNet trained end to end with the labels; "
        "random-init rows: each architecture untrained)",
        markdown(results, "probe_accuracy", args, train_size),
        *((
            f"## Fine-tuned (`keras_ssl.evaluation.fine_tune`, {fine_tune_text(args)}; "
            f"random-init rows: the same recipe from random weights)",
            markdown(results, "fine_tune_accuracy", args, train_size),
        ) if args.fine_tune else ()),
        f"## Weighted kNN (k={args.k}, cosine, temperature 0.07)",
        markdown(results, "knn_accuracy", args, train_size),
        ("Pretraining time (s): " + ", ".join(f"{n} {s:.0f}" for n, s in seconds.items()))
        if seconds else "Pretraining times: see each preset's card.",
        "![label efficiency](label_efficiency.png)",
    ]) + "\n"
    table_path = os.path.join(args.output_dir, "label_efficiency.md")
    with open(table_path, "w") as handle:
        handle.write(report)
    with open(os.path.join(args.output_dir, "label_efficiency.json"), "w") as handle:
        json.dump(results, handle, indent=1)
    plot(results, os.path.join(args.output_dir, "label_efficiency.png"), train_size)
    print(report)
    print(f"Wrote {table_path} and label_efficiency.png/.json in {args.output_dir}")


if __name__ == "__main__":
    main()
