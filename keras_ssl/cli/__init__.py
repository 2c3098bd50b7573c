"""The `keras-ssl` command line: one module per subcommand.

Each subcommand module has `add_parser(subparsers)`, which registers its
arguments and sets `run(args) -> int` as the handler.
"""

import argparse
import os
import sys

# Subcommand modules, in the order `keras-ssl --help` lists them.
SUBCOMMANDS = ("pretrain", "probe", "finetune", "benchmark", "presets")


def build_parser():
    """The argument parser with every subcommand registered."""
    import importlib

    parser = argparse.ArgumentParser(
        prog="keras-ssl",
        description="Self-supervised pretraining and evaluation for Keras 3.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in SUBCOMMANDS:
        importlib.import_module(f"keras_ssl.cli.{name}").add_parser(subparsers)
    return parser


def main(argv=None):
    """Entry point of the `keras-ssl` console script."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, FileNotFoundError) as error:
        print(f"keras-ssl: error: {error}", file=sys.stderr)
        return 2
