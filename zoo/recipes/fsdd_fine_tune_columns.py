"""The fine-tuned and from-scratch columns of an FSDD preset's card.

Fine-tuning is 14 `AudioClassifier` fits (the official split and each of
the six speakers held out, from the preset and from random init), too long
to repeat with every pretraining run. This script loads the shipped preset
(its weights are not changed) and fine-tunes, in `fsdd_metrics`' splits
and with its metric names, a copy of its encoder and a random-init copy
(the supervised encoder from scratch: same network, same classifier
recipe, no pretraining), with all labels (no probes: the card has them).
It adds both columns to the preset's `metadata.json` and card, with this
command and its run time.

    python zoo/recipes/fsdd_fine_tune_columns.py wav2vec2_small_fsdd
    python zoo/recipes/fsdd_fine_tune_columns.py wav2vec2_small_fsdd --epochs 1 --dry-run
"""

import argparse
import json
import os
import sys
import time

import keras
import numpy as np

import keras_ssl
from fsdd_recipe_tools import DEFAULT_FSDD
from fsdd_recipe_tools import fine_tune_function
from recipe_tools import ZOO_DIRECTORY
from recipe_tools import hardware

from keras_ssl.evaluation.fine_tune import copy_encoder
from keras_ssl.evaluation.fine_tune import random_init_copy
from keras_ssl.evaluation.fsdd_protocol import fsdd_recordings
from keras_ssl.evaluation.fsdd_protocol import fsdd_split_indices
from keras_ssl.presets.preset_files import write_metadata
from keras_ssl.presets.preset_files import write_text
from keras_ssl.presets.preset_metadata import default_card



def fine_tune_columns(encoder, path, epochs, seed, log=None):
    """`(pretrained, from_scratch)`: fine-tune accuracies with all labels on
    the official split and with each speaker held out (fsdd_metrics' keys),
    the two fits of each setting one after the other; each result is
    printed (and appended to `log`, a JSON-lines file) as it comes."""
    audio, digits, speakers, takes = fsdd_recordings(path)
    makers = {"pretrained": lambda: copy_encoder(encoder),
              "from_scratch": lambda: random_init_copy(encoder)}
    tuned = {kind: {} for kind in makers}
    for held_out in [None] + sorted(set(speakers.tolist())):
        train, test = fsdd_split_indices(speakers, takes, "test", held_out)
        pair = [({key: value[index] for key, value in audio.items()}, digits[index])
                for index in (train, test)]
        for kind, make in makers.items():
            keras.utils.set_random_seed(seed)
            accuracy = float(fine_tune_function(make, epochs=epochs)(*pair, seed))
            tuned[kind][held_out] = accuracy
            line = json.dumps({"kind": kind, "held_out_speaker": held_out, "accuracy": accuracy})
            print(line, flush=True)
            if log:
                with open(log, "a") as file:
                    file.write(line + "\n")
    columns = []
    for kind in makers:
        held = {speaker: value for speaker, value in tuned[kind].items() if speaker}
        metrics = {"fine_tune_accuracy_all": round(tuned[kind][None], 4)}
        metrics.update({f"fine_tune_accuracy_held_out_{s}_all": round(v, 4) for s, v in held.items()})
        metrics["fine_tune_accuracy_held_out_all"] = round(float(np.mean(list(held.values()))), 4)
        metrics["fine_tune_accuracy_held_out_all_std"] = round(float(np.std(list(held.values()))), 4)
        columns.append(metrics)
    return tuple(columns)


def card_section(pretrained, scratch, command, seconds):
    """The card's Markdown section of the two columns."""
    rows = [
        ("official split (test takes 0-4)", "fine_tune_accuracy_all", None),
        ("new speaker (mean ± std of 6)", "fine_tune_accuracy_held_out_all",
         "fine_tune_accuracy_held_out_all_std"),
    ]
    lines = ["## Fine-tuned (AudioClassifier defaults, all labels)", "",
             "| test | from this preset | supervised from scratch |", "|---|---:|---:|"]
    for title, key, std in rows:
        cells = []
        for metrics in (pretrained, scratch):
            cell = f"{100 * metrics[key]:.1f}"
            cells.append(cell + (f" ± {100 * metrics[std]:.1f}" if std else ""))
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    return lines + ["", f"Measured with `{command}` ({seconds:.0f} s on {hardware()}).", ""]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("preset")
    parser.add_argument("--path", default=DEFAULT_FSDD, help="FSDD checkout")
    parser.add_argument("--epochs", type=int, default=20, help="epochs per fit")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dry-run", action="store_true", help="print, write nothing")
    parser.add_argument("--log", default=None, help="JSON-lines file of each fit's result")
    args = parser.parse_args()
    directory = os.path.join(ZOO_DIRECTORY, args.preset)
    encoder = keras_ssl.load_encoder(directory)
    start = time.perf_counter()
    pretrained, scratch = fine_tune_columns(encoder, args.path, args.epochs, args.seed, args.log)
    seconds = time.perf_counter() - start
    command = " ".join(["python", os.path.relpath(sys.argv[0])] + sys.argv[1:])
    section = card_section(pretrained, scratch, command, seconds)
    print("\n".join(section))
    if args.dry_run:
        return
    with open(os.path.join(directory, "metadata.json")) as file:
        metadata = json.load(file)
    metadata.update(
        fine_tune_metrics=pretrained, from_scratch_metrics=scratch,
        fine_tune_recipe=command, fine_tune_seconds=round(seconds, 1),
    )
    write_metadata(directory, metadata)
    write_text(os.path.join(directory, "README.md"),
               default_card(metadata).rstrip("\n") + "\n\n" + "\n".join(section))
    print(f"Updated {directory}/metadata.json and README.md.")


if __name__ == "__main__":
    main()
