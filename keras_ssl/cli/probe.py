"""`keras-ssl probe MODEL_OR_PRESET`: linear-probe and kNN table of an encoder."""

import os

import numpy as np

from keras_ssl.backend import backend_name

# Files `keras.saving.load_model` reads.
MODEL_SUFFIXES = (".keras", ".h5")

# Keys of a --data PATH.npz file.
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "probe",
        help="linear-probe and kNN accuracy of an encoder, by label budget",
        description="Print a markdown table of linear-probe and weighted kNN "
        "accuracy of a frozen encoder on the test split, with 1, 10, 100 "
        "labels per class and all labels of the train split.",
    )
    parser.add_argument(
        "model",
        metavar="MODEL_OR_PRESET",
        help="a .keras file (an SSL model, whose .encoder is probed, or a "
        "plain encoder) or a preset name",
    )
    parser.add_argument(
        "--data",
        default="mnist5k",
        help="mnist5k (default: subsets of the 4,000 training digits, scored "
        "on the 1,000 test digits) or PATH.npz holding x_train, y_train, "
        "x_test, y_test",
    )
    parser.add_argument(
        "--labels-per-class",
        default="1,10,100,all",
        help="comma-separated label budgets per class (default 1,10,100,all)",
    )
    parser.add_argument(
        "--draws",
        type=int,
        default=3,
        help="labeled subsets drawn (and averaged) per budget other than "
        "'all' (default 3)",
    )
    parser.add_argument("--probe-epochs", type=int, default=100)
    parser.add_argument("--k", type=int, default=20, help="kNN neighbours")
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(run=run)


def load_encoder(spec):
    """`(encoder, description)` for a MODEL_OR_PRESET argument."""
    import keras

    import keras_ssl  # noqa: F401 (registers keras_ssl classes for loading)

    if os.path.isfile(spec):
        model = keras.saving.load_model(spec)
        encoder = getattr(model, "encoder", None)
        if encoder is None:
            return model, f"{model.name} from {spec}"
        return encoder, f"the encoder of {type(model).__name__} from {spec}"
    if spec.endswith(MODEL_SUFFIXES):
        raise FileNotFoundError(f"MODEL_OR_PRESET {spec}: no such file.")
    registry_loader = getattr(keras_ssl, "load_encoder", None)
    if registry_loader is None:
        raise ValueError(
            f"MODEL_OR_PRESET {spec!r} is not an existing file, and this "
            f"version of keras_ssl has no preset registry "
            f"(keras_ssl.load_encoder) to look it up as a preset name. Pass "
            f"the path of a .keras file saved by model.save()."
        )
    return registry_loader(spec), f"preset {spec}"


def load_labeled_splits(spec):
    """`((x_train, y_train), (x_test, y_test), description)` for --data."""
    import keras_ssl

    if spec == "mnist5k":
        return (
            keras_ssl.datasets.mnist5k("train"),
            keras_ssl.datasets.mnist5k("test"),
            "mnist5k (probes train on the 4,000 training digits or labeled "
            "subsets of them; scored on the 1,000 test digits)",
        )
    if spec.endswith(".npz"):
        if not os.path.isfile(spec):
            raise FileNotFoundError(f"--data {spec}: no such file.")
        arrays = np.load(spec)
        missing = [key for key in NPZ_KEYS if key not in arrays]
        if missing:
            raise ValueError(
                f"--data {spec} lacks {missing}; it must hold {NPZ_KEYS} "
                f"(np.savez(path, x_train=..., y_train=..., ...))."
            )
        return (
            (arrays["x_train"], arrays["y_train"]),
            (arrays["x_test"], arrays["y_test"]),
            spec,
        )
    raise ValueError(
        f"--data {spec!r} is not understood; use mnist5k or a PATH.npz with "
        f"x_train, y_train, x_test and y_test."
    )


def parse_budgets(text):
    """`"1,10,all"` -> `(1, 10, "all")`, or a ValueError."""
    budgets = []
    for item in text.split(","):
        item = item.strip()
        if item == "all":
            budgets.append("all")
        elif item.isdigit() and int(item) > 0:
            budgets.append(int(item))
        else:
            raise ValueError(
                f"--labels-per-class {text!r}: each entry must be a positive "
                f"int or 'all' (e.g. 1,10,100,all)."
            )
    return tuple(budgets)


def _percent(mean, std, draws):
    if draws > 1:
        return f"{100 * mean:.1f} ± {100 * std:.1f}"
    return f"{100 * mean:.1f}"


def markdown_table(rows, k):
    """The probe table: one row per label budget."""
    lines = [
        f"| labels per class | labeled examples | draws | linear probe "
        f"accuracy (%) | kNN accuracy, k={k} (%) |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['labels_per_class']} | {row['examples']} | {row['draws']} "
            f"| {_percent(row['probe_accuracy'], row['probe_accuracy_std'], row['draws'])} "
            f"| {_percent(row['knn_accuracy'], row['knn_accuracy_std'], row['draws'])} |"
        )
    return "\n".join(lines)


def run(args):
    import keras

    from keras_ssl.evaluation import label_efficiency

    budgets = parse_budgets(args.labels_per_class)
    if args.draws < 1 or args.probe_epochs < 1 or args.k < 1:
        raise ValueError("--draws, --probe-epochs and --k must be positive.")
    encoder, encoder_description = load_encoder(args.model)
    train, test, data_description = load_labeled_splits(args.data)
    rows = label_efficiency(
        encoder,
        train,
        test,
        labels_per_class=budgets,
        draws=args.draws,
        k=args.k,
        probe_epochs=args.probe_epochs,
        seed=args.seed,
    )
    print(
        f"Probing {encoder_description} on {data_description}; linear probe "
        f"{args.probe_epochs} epochs, mean ± std over {args.draws} draws where "
        f"draws > 1; backend {backend_name()}.\n"
    )
    print(markdown_table(rows, args.k))
    return 0
