"""`keras-ssl benchmark PRESET_OR_FILE --data fashion_mnist`: one table row."""

import json

from keras_ssl.backend import backend_name
from keras_ssl.cli.probe import load_encoder


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "benchmark",
        help="the benchmark protocol's row of an encoder (Markdown and JSON)",
        description="Run keras_ssl.evaluation.benchmark_metrics on an "
        "encoder: linear probe and weighted kNN (k=200, t=0.1) with all "
        "labels, and probe, kNN and fine-tuned ImageClassifier at 1%% and "
        "10%% of the labels (3 draws); print the Markdown row and write it "
        "as JSON.",
    )
    parser.add_argument(
        "model",
        metavar="PRESET_OR_FILE",
        help="a preset name, or a .keras file (an SSL model, whose .encoder "
        "is measured, or a plain encoder); 'pixels' for the raw-pixel "
        "baseline; random:PRESET_OR_FILE for that encoder's architecture with "
        "fresh random weights (the random-init baseline)",
    )
    parser.add_argument(
        "--data", default="fashion_mnist", choices=("fashion_mnist", "mnist5k"),
        help="fashion_mnist (default: the official 60,000 / 10,000 split) or "
        "mnist5k (4,000 / 1,000, the quick check)",
    )
    parser.add_argument("--output", default=None,
                        help="JSON file to write (default: benchmark_<name>_<data>.json)")
    parser.add_argument("--name", default=None, help="the row's name (default: the argument)")
    parser.add_argument("--draws", type=int, default=3)
    parser.add_argument("--fractions", default="0.01,0.1",
                        help="comma-separated label fractions (default 0.01,0.1)")
    parser.add_argument("--probe-epochs", type=int, default=100)
    parser.add_argument("--fine-tune-epochs", type=int, default=50)
    parser.add_argument("--no-fine-tune", action="store_true",
                        help="skip the fine-tune columns (the long part)")
    parser.add_argument("--train-batch-norm", action="store_true",
                        help="fine-tune with BatchNorm on batch statistics: with "
                        "random:..., the supervised-from-scratch baseline")
    parser.add_argument("--k", type=int, default=200, help="kNN neighbours")
    parser.add_argument("--temperature", type=float, default=0.1, help="kNN temperature")
    parser.add_argument("--subset", type=int, default=None,
                        help="first N training images only (a smoke run)")
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(run=run)


def parse_fractions(text):
    """`"0.01,0.1"` -> `(0.01, 0.1)`, or a ValueError naming the bad entry."""
    fractions = []
    for item in text.split(","):
        try:
            value = float(item)
        except ValueError:
            value = None
        if value is None or not 0 < value < 1:
            raise ValueError(
                f"--fractions {text!r}: each entry must be a number in (0, 1), "
                f"e.g. 0.01,0.1 (all labels are always measured)."
            )
        fractions.append(value)
    return tuple(fractions)


def run(args):
    from keras_ssl.evaluation import benchmark_protocol
    from keras_ssl.io.atomic_write import atomic_file

    fractions = parse_fractions(args.fractions)
    for flag in ("draws", "probe_epochs", "fine_tune_epochs", "k"):
        if getattr(args, flag) < 1:
            raise ValueError(f"--{flag.replace('_', '-')} must be a positive int.")
    if args.model == "pixels":
        encoder, description = None, "raw pixels"
    elif args.model.startswith("random:"):
        import keras

        from keras_ssl.evaluation.fine_tune import random_init_copy

        trained, trained_description = load_encoder(args.model[len("random:"):])
        keras.utils.set_random_seed(args.seed)
        encoder = random_init_copy(trained)
        description = f"a random-init copy of the architecture of {trained_description}"
    else:
        encoder, description = load_encoder(args.model)
    name = args.name or args.model
    print(f"Benchmarking {description} on {args.data} (backend {backend_name()}).")
    metrics = benchmark_protocol.benchmark_metrics(
        encoder,
        args.data,
        label_fractions=fractions,
        draws=args.draws,
        k=args.k,
        temperature=args.temperature,
        probe_epochs=args.probe_epochs,
        fine_tune=not args.no_fine_tune,
        fine_tune_epochs=args.fine_tune_epochs,
        fine_tune_kwargs={"train_batch_norm": True} if args.train_batch_norm else None,
        seed=args.seed,
        subset=args.subset,
    )
    print("\n" + benchmark_protocol.benchmark_header(metrics))
    print(benchmark_protocol.benchmark_row(name, metrics))
    output = args.output or f"benchmark_{name.replace('/', '_')}_{args.data}.json"
    record = {
        "name": name,
        "encoder": description,
        "data": args.data,
        "protocol": {key: value for key, value in vars(args).items() if key != "run"}
        | {"fractions": fractions},
        "backend": backend_name(),
        "metrics": metrics,
    }
    with atomic_file(output) as temporary:
        with open(temporary, "w") as stream:
            json.dump(record, stream, indent=2)
    print(f"\nWrote {output}")
    return 0
