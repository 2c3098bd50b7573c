"""Recipe of the `mlm_transformer_fortunes` preset.

A masked language model (BERT's 15% / 80-10-10 masking, unchanged) on every
fortune of Debian's `fortunes` package, with the tiny default
TextTransformer (2 layers, width 64, mean pooling) and a WordPiece
vocabulary of 3,500. Deviations from `MaskedLM`'s defaults, named: 6
epochs, and Adam 1e-3 with 5% linear warm-up then cosine decay to 0
(recipe_tools.cosine_adam) instead of constant Adam 1e-3. Needs the fortune
files (apt-get install fortunes).

    python zoo/recipes/mlm_transformer_fortunes.py
"""

import io
import math

import fortunes_tools
import keras
import numpy as np
import recipe_tools

import keras_ssl
from keras_ssl.evaluation.masked_lm_metrics import most_frequent_token

NAME = "mlm_transformer_fortunes"
VOCABULARY_SIZE = 3500


def main(name=NAME, width=None):
    """Train and write the preset; `width` (hidden_dim, 2x as intermediate,
    width // 64 heads) or None for the TextTransformer's defaults."""
    args = recipe_tools.parse_args(name, epochs=6, batch_size=64)
    size = {} if width is None else dict(
        hidden_dim=width, intermediate_dim=2 * width, num_heads=max(2, width // 64)
    )
    keras.utils.set_random_seed(args.seed)
    texts = fortunes_tools.unlabeled_fortunes()
    heldout = fortunes_tools.heldout_topics()
    if args.quick:
        texts = texts[::10]
    model = keras_ssl.MaskedLM.from_texts(
        texts, vocabulary_size=VOCABULARY_SIZE, sequence_length=64, seed=args.seed,
        **size,
    )
    steps = args.epochs * math.ceil(len(texts) / args.batch_size)
    model.compile(optimizer=recipe_tools.cosine_adam(1e-3)(steps))
    _, seconds = recipe_tools.timed_fit(model, texts, args)
    metrics = fortunes_tools.topic_metrics(model.encoder, heldout)
    scored = heldout["test_texts"]
    masked = keras_ssl.evaluation.masked_lm_arrays(model, scored)
    measured = keras_ssl.evaluation.masked_lm_metrics(
        model, masked, unigram_token=most_frequent_token(model, texts)
    )
    metrics["masked_token_accuracy"] = measured["masked_token_accuracy"]
    metrics["unigram_baseline_accuracy"] = measured["unigram_accuracy"]
    masked_file = io.BytesIO()
    np.savez_compressed(masked_file, **masked)
    recipe_tools.print_metrics(name, metrics)
    recipe_tools.write_preset(
        model, args, metrics,
        headline_metric="probe_accuracy_all",
        data=fortunes_tools.DATA.format(count=len(texts)),
        split=fortunes_tools.SPLIT + "; masked-token figures on its test texts, "
        "masked once (heldout_masked.npz)",
        train_seconds=seconds,
        description=(
            f"A {'tiny' if width is None else f'{width}-wide'} masked language "
            f"model (2-layer TextTransformer, WordPiece vocabulary of "
            f"{VOCABULARY_SIZE:,}) pretrained on Debian's fortunes."
        ),
        extra_files={
            fortunes_tools.HELDOUT_FILE: fortunes_tools.heldout_file(heldout),
            "heldout_masked.npz": masked_file.getvalue(),
        },
    )


if __name__ == "__main__":
    main()
