"""`keras-ssl finetune PRESET_OR_FILE`: fine-tune an encoder, save the classifier."""

import os

import numpy as np

from keras_ssl.backend import backend_name
from keras_ssl.cli.probe import load_encoder

# Share of a --data DIR without train/ and test/ subfolders held out for test.
TEST_SPLIT = 0.2


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "finetune",
        help="fine-tune a pretrained encoder on a few labels; save the classifier",
        description="Build a keras_ssl.ImageClassifier on a pretrained encoder, "
        "train it on N labels per class of the train split, print its test "
        "accuracy and save it as a .keras file.",
    )
    parser.add_argument(
        "model",
        metavar="PRESET_OR_FILE",
        help="a preset name or a .keras file (an SSL model, whose .encoder is "
        "used, or a plain encoder)",
    )
    parser.add_argument(
        "--data",
        default="mnist5k",
        help="mnist5k (default: the 4,000 training digits, scored on the 1,000 "
        "test digits) or DIR, a folder of photos with one subfolder per class: "
        "DIR/train and DIR/test if both exist, else a seeded 80/20 split of DIR; "
        "for a text encoder: fortunes (Debian's fortunes package, six topics, "
        "a TextClassifier)",
    )
    parser.add_argument(
        "--labels-per-class", default="10",
        help="labels of each class to train on, or 'all' (default 10)",
    )
    parser.add_argument(
        "--mode", choices=("finetune", "two_stage", "probe"), default=None,
        help="default: the classifier's own (two_stage for images, finetune for text)",
    )
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument(
        "--head-epochs", type=int, default=None,
        help="two_stage: epochs of training the head alone first (default: a "
        "fifth of --epochs)",
    )
    parser.add_argument(
        "--learning-rate", type=float, default=None,
        help="Adam's learning rate (default: compile()'s for the mode)",
    )
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--train-batch-norm", action="store_true",
        help="BatchNorm on batch statistics (default: the encoder's "
        "pretrained statistics, for small label sets)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--output", default="classifier.keras",
        help="where to save the classifier (default classifier.keras)",
    )
    parser.set_defaults(run=run)


def _folder_arrays(path, image_shape, seed):
    """`((x_train, y_train), (x_test, y_test), description)` of a folder."""
    from keras_ssl.datasets import from_directory
    from keras_ssl.evaluation.fine_tune import labeled_arrays

    options = dict(
        image_size=image_shape[:2],
        labels="inferred",
        color_mode={1: "grayscale", 3: "rgb", 4: "rgba"}[image_shape[2]],
        shuffle=False,
    )
    train_dir, test_dir = os.path.join(path, "train"), os.path.join(path, "test")
    if os.path.isdir(train_dir) and os.path.isdir(test_dir):
        train = from_directory(train_dir, **options)
        test = from_directory(test_dir, **options)
        description = f"{train_dir} (scored on {test_dir})"
    else:
        options.update(shuffle=True, seed=seed, validation_split=TEST_SPLIT, subset="both")
        train, test = from_directory(path, **options)
        description = f"{path} ({100 * (1 - TEST_SPLIT):.0f}/{100 * TEST_SPLIT:.0f} split)"
    return labeled_arrays(train), labeled_arrays(test), description


def load_splits(spec, image_shape, seed):
    """`((x_train, y_train), (x_test, y_test), description)` for --data."""
    import keras_ssl

    if spec == "mnist5k":
        return (
            keras_ssl.datasets.mnist5k("train"),
            keras_ssl.datasets.mnist5k("test"),
            "mnist5k (scored on the 1,000 test digits)",
        )
    if spec == "fortunes":
        (x_train, y_train), (x_test, y_test), _ = keras_ssl.datasets.fortunes_topics()
        return (
            (np.asarray(x_train, dtype=object), y_train),
            (list(x_test), y_test),
            "Debian's fortunes, six topics (scored on the 30% test split)",
        )
    if os.path.isdir(spec):
        if None in image_shape[:2] or image_shape[2] not in (1, 3, 4):
            raise ValueError(
                f"--data {spec}: the encoder takes images of shape "
                f"{image_shape}; reading a folder needs a fixed (H, W) and "
                f"1, 3 or 4 channels."
            )
        return _folder_arrays(spec, tuple(image_shape), seed)
    raise ValueError(
        f"--data {spec!r} is not understood; use mnist5k, fortunes (text) or a folder of "
        f"images with one subfolder per class."
    )


def run(args):
    import keras

    import keras_ssl

    for flag in ("epochs", "head_epochs", "batch_size"):
        value = getattr(args, flag)
        if value is not None and value < 1:
            raise ValueError(f"--{flag.replace('_', '-')} must be a positive int; got {value}.")
    if args.head_epochs is not None and args.epochs <= args.head_epochs:
        raise ValueError(
            f"--mode two_stage trains the head for --head-epochs "
            f"{args.head_epochs} epochs first; pass --epochs > {args.head_epochs}."
        )
    budget = args.labels_per_class
    if budget != "all" and not (budget.isdigit() and int(budget) > 0):
        raise ValueError(f"--labels-per-class {budget!r}: a positive int or 'all'.")
    keras.utils.set_random_seed(args.seed)
    encoder, encoder_description = load_encoder(args.model)
    (x_train, y_train), test, data_description = load_splits(
        args.data, tuple(encoder.input_shape[1:]), args.seed
    )
    if budget != "all":
        index = keras_ssl.datasets.per_class_subset(y_train, int(budget), seed=args.seed)
        x_train, y_train = x_train[index], y_train[index]
    classes = np.unique(y_train)
    if not np.array_equal(classes, np.arange(len(classes))):
        raise ValueError(f"--data {args.data}: labels must be 0..C-1; got {classes}.")
    text = hasattr(encoder, "tokenizer")
    task = keras_ssl.TextClassifier if text else keras_ssl.ImageClassifier
    options = {"train_batch_norm": args.train_batch_norm}
    for flag in ("mode", "head_epochs"):
        if getattr(args, flag) is not None:
            options[flag] = getattr(args, flag)
    classifier = task(encoder=encoder, num_classes=len(classes), **options)
    print(
        f"Fine-tuning ({classifier.mode}) {encoder_description} on {len(y_train)} "
        f"labeled images of {data_description}, {args.epochs} epochs, backend "
        f"{backend_name()}."
    )
    if args.learning_rate is None:
        classifier.compile()
    else:
        classifier.compile(optimizer=keras.optimizers.Adam(args.learning_rate))
    classifier.fit(x_train, y_train, epochs=args.epochs, batch_size=args.batch_size, verbose=0)
    scores = classifier.evaluate(*test, batch_size=256, verbose=0, return_dict=True)
    print(f"Test accuracy: {100 * scores['accuracy']:.1f}% on {len(test[1])} images")
    classifier.save(args.output)
    print(f"Saved {type(classifier).__name__} to {os.path.abspath(args.output)}")
    return 0
