"""Study (issue 14): proxy MAE runs on mnist5k, one change at a time.

The `mae_vit_mnist5k` recipe (ViT 64 wide, 4 blocks, 4x4 patches; decoder
64 wide, 2 blocks; cosine AdamW) with its choices as flags, then
`keras_ssl.evaluation.mnist5k_metrics` at 10 labels per class and all
labels (linear probe and 20-NN, 5 draws). `--random` measures the
untrained ViT. Prints one `RESULT` line.

    python zoo/studies/study_mae.py                  # the preset's recipe
    python zoo/studies/study_mae.py --mask-ratio 0.5
    python zoo/studies/study_mae.py --random
"""

import argparse
import os
import sys
import time

import keras

# zoo/recipes/: this study trains with the recipes' recipe_tools.
ZOO_DIRECTORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ZOO_DIRECTORY, "recipes"))

import recipe_tools  # noqa: E402

import keras_ssl  # noqa: E402
from keras_ssl.evaluation import mnist5k_metrics  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=16)
    parser.add_argument("--mask-ratio", type=float, default=0.75)
    parser.add_argument("--normalize-targets", action="store_true")
    parser.add_argument("--pooling", default="mean", choices=("mean", "cls"))
    parser.add_argument("--learning-rate", type=float, default=1.5e-3)
    parser.add_argument("--weight-decay", type=float, default=0.05)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--decoder-dim", type=int, default=64)
    parser.add_argument("--decoder-layers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--random", action="store_true", help="no training")
    parser.add_argument("--output", default=None, help="save the model here")
    return parser.parse_args()


def main():
    args = parse_args()
    keras.utils.set_random_seed(args.seed)
    images, _ = keras_ssl.datasets.mnist5k("train")
    encoder = keras_ssl.encoders.ViT(
        input_shape=(28, 28, 1), patch_size=4, hidden_dim=64, num_layers=4,
        num_heads=4, pooling=args.pooling,
    )
    start, loss = time.perf_counter(), float("nan")
    if not args.random:
        model = keras_ssl.MAE(
            encoder=encoder, mask_ratio=args.mask_ratio,
            normalize_targets=args.normalize_targets,
            decoder_dim=args.decoder_dim, decoder_layers=args.decoder_layers,
            seed=args.seed,
        )
        steps = args.epochs * -(-len(images) // args.batch_size)
        schedule = recipe_tools.cosine_adam(args.learning_rate, weight_decay=args.weight_decay)
        model.compile(optimizer=schedule(steps))
        history = model.fit(images, epochs=args.epochs, batch_size=args.batch_size, verbose=2)
        loss = history.history["loss"][-1]
        if args.output:
            model.save(args.output)
    seconds = time.perf_counter() - start
    figures = mnist5k_metrics(encoder, labels_per_class=(10, "all"))
    print(
        f"RESULT {vars(args)} fit {seconds:.0f} s, loss {loss:.4f}, "
        + ", ".join(f"{key} {100 * value:.1f}" for key, value in figures.items()),
        flush=True,
    )


if __name__ == "__main__":
    main()
