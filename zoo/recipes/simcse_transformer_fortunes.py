"""Recipe of the `simcse_transformer_fortunes` preset.

Unsupervised SimCSE (temperature 0.05, the training-only tanh MLP, dropout
0.1 as the only augmentation) on every fortune of Debian's `fortunes`
package, starting, as the paper starts from BERT, from the encoder of the
`mlm_transformer_fortunes` preset (run its recipe first). Adam 3e-4,
batch 64. Needs the fortune files (apt-get install fortunes).

    python zoo/recipes/simcse_transformer_fortunes.py
"""

import os

import fortunes_tools
import keras
import recipe_tools

import keras_ssl

NAME = "simcse_transformer_fortunes"
START = os.path.join(recipe_tools.ZOO_DIRECTORY, "mlm_transformer_fortunes")


def main():
    args = recipe_tools.parse_args(NAME, epochs=2, batch_size=64)
    keras.utils.set_random_seed(args.seed)
    texts = fortunes_tools.unlabeled_fortunes()
    heldout = fortunes_tools.heldout_topics()
    if args.quick:
        texts = texts[::10]
    start = os.environ.get("SIMCSE_START", START)
    model = keras_ssl.SimCSE(keras_ssl.load_encoder(start), seed=args.seed)
    model.compile(optimizer=keras.optimizers.Adam(3e-4))
    _, seconds = recipe_tools.timed_fit(model, texts, args)
    metrics = fortunes_tools.topic_metrics(model.encoder, heldout)
    recipe_tools.print_metrics(NAME, metrics)
    recipe_tools.write_preset(
        model, args, metrics,
        headline_metric="probe_accuracy_all",
        data=fortunes_tools.DATA.format(count=len(texts)),
        split=fortunes_tools.SPLIT,
        train_seconds=seconds,
        description=(
            "SimCSE (unsupervised, dropout views) on Debian's fortunes, from "
            "the mlm_transformer_fortunes encoder (2-layer TextTransformer)."
        ),
        extra_files={fortunes_tools.HELDOUT_FILE: fortunes_tools.heldout_file(heldout)},
        start_preset="mlm_transformer_fortunes",
    )


if __name__ == "__main__":
    main()
