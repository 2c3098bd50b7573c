"""What MAE sees and predicts: a PNG grid of digits, masked and reconstructed.

MAE (He et al. 2022, https://arxiv.org/abs/2111.06377) hides most patches of
each image from the encoder and asks a decoder to paint them back. This
script loads the `mae_vit_mnist5k_v2` preset (or a `.keras` MAE model, e.g.
from `keras-ssl pretrain mae`), masks test digits of mnist5k with the
model's own mask ratio, and writes a grid with one column per digit and
three rows: the original, what the encoder sees (masked patches grey), and
the reconstruction (predicted patches where masked, the visible ones
pasted back, as in the paper's figures).

    python examples/mae_reconstructions.py --output mae_reconstructions.png
"""

import argparse

import keras
import numpy as np

import keras_ssl


def reconstruction_rows(model, images):
    """`(originals, masked, reconstructions)`, pixels 0-255, `(N, H, W)` each."""
    predicted, mask = (keras.ops.convert_to_numpy(t) for t in model.reconstruct(images))
    images = images.astype("float32")
    masked = np.where(mask > 0, 128.0, images)
    pasted = np.where(mask > 0, predicted, images)
    return images[..., 0], masked[..., 0], pasted[..., 0]


def save_grid(rows, path, titles=("original", "masked", "reconstruction")):
    """One row of images per entry of `rows`, written to `path` as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    count = len(rows[0])
    figure, axes = pyplot.subplots(
        len(rows), count, figsize=(count * 0.9, len(rows) * 1.0), squeeze=False
    )
    for row, (title, images) in enumerate(zip(titles, rows)):
        for column, image in enumerate(images):
            axis = axes[row, column]
            axis.imshow(image, cmap="gray", vmin=0, vmax=255)
            axis.set_xticks([])
            axis.set_yticks([])
        axes[row, 0].set_ylabel(title, fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    pyplot.close(figure)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="mae_vit_mnist5k_v2",
                        help="an MAE preset name or directory, or a .keras file")
    parser.add_argument("--count", type=int, default=12, help="digits to show")
    parser.add_argument("--seed", type=int, default=0, help="seeds the masks")
    parser.add_argument("--output", default="mae_reconstructions.png")
    args = parser.parse_args()
    if args.model.endswith(".keras"):
        model = keras.saving.load_model(args.model)
    else:
        model = keras_ssl.MAE.from_preset(args.model)
    model.seed_generator.state.assign(
        keras.random.SeedGenerator(args.seed).state.value
    )
    images, _ = keras_ssl.datasets.mnist5k("test")
    rows = reconstruction_rows(model, images[: args.count])
    save_grid(rows, args.output)
    print(f"Wrote {args.output}: {args.count} digits, {model.mask_ratio:.0%} of "
          f"patches masked.")


if __name__ == "__main__":
    main()
