"""Study (issue 17, item 2): proxy masked-LM runs on all fortunes.

The `mlm_transformer_fortunes` recipe with its size and schedule as flags
(BERT's 15% / 80-10-10 masking unchanged; cosine Adam with warm-up), then
the topic probe of issue 17 on the trained encoder. Prints one `RESULT`
line; `--output` keeps the model as a `.keras` file for
`study_text_features.py`. Needs the fortune files.

    python zoo/studies/study_mlm.py --width 256 --epochs 6
    python zoo/studies/study_mlm.py --width 256 --epochs 6 --sequence-length 128
"""

import argparse
import math
import os
import sys
import time

import keras

# zoo/recipes/: this study trains with the recipes' recipe_tools.
ZOO_DIRECTORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ZOO_DIRECTORY, "recipes"))

import recipe_tools  # noqa: E402

import keras_ssl  # noqa: E402
from keras_ssl.evaluation.fortunes_protocol import fortunes_topic_metrics  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--width", type=int, default=64, help="hidden_dim")
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--vocabulary-size", type=int, default=3500)
    parser.add_argument("--sequence-length", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=None, help="save the model here")
    return parser.parse_args()


def main():
    args = parse_args()
    keras.utils.set_random_seed(args.seed)
    texts, _, _ = keras_ssl.datasets.fortunes()
    model = keras_ssl.MaskedLM.from_texts(
        texts, vocabulary_size=args.vocabulary_size,
        sequence_length=args.sequence_length, seed=args.seed,
        hidden_dim=args.width, intermediate_dim=2 * args.width,
        num_heads=max(2, args.width // 64), num_layers=args.layers,
    )
    steps = args.epochs * math.ceil(len(texts) / args.batch_size)
    model.compile(optimizer=recipe_tools.cosine_adam(args.learning_rate)(steps))
    start = time.perf_counter()
    history = model.fit(
        texts, epochs=args.epochs, batch_size=args.batch_size, shuffle=True, verbose=2
    )
    seconds = time.perf_counter() - start
    figures = fortunes_topic_metrics(model.encoder)
    print(
        f"RESULT {vars(args)} fit {seconds:.0f} s, masked-token accuracy "
        f"{history.history['masked_token_accuracy'][-1]:.3f}, probe 20/class "
        f"{100 * figures['probe_accuracy_20_per_class']:.1f}, all "
        f"{100 * figures['probe_accuracy_all']:.1f}",
        flush=True,
    )
    if args.output:
        model.save(args.output)


if __name__ == "__main__":
    main()
