"""Whole training runs of the PyTorch reference, served to whole_fit.py.

The same networks, heads, losses and SGD as reference_pytorch.py, trained
the way a PyTorch user trains them: a `DataLoader` over the images
(shuffled every epoch, the last batch partial), `epochs` passes, views =
inputs (no augmentation, like keras_ssl's `compute` mode). Each run builds
a fresh model, as each of whole_fit.py's `fit` calls does.

Usage (whole_fit.py starts it; one process, so the two frameworks share no
thread pool or allocator):
    python benchmarks/reference_pytorch_fit.py --serve simclr_convnet \
        --images IMAGES.npy --batch-size 256 --epochs 3

It prints `ready`, then for every `fit` line read from stdin trains a
fresh model and prints one JSON line: `{"seconds": wall time of the run,
"batch_ends": seconds from its start to the end of each step, "epoch_ends":
seconds to the end of each epoch, "peak_rss_mb": this process's peak RSS
during the run (rss.py), "start_rss_mb": its RSS at the start,
"epoch_rss_mb": its RSS at the end of each epoch}`, until stdin closes.
"""

import argparse
import json
import sys
import time

import numpy as np
import torch

import rss
from reference_pytorch import make_step

METHODS = {
    "simclr_convnet": ("simclr", "convnet"),
    "byol_convnet": ("byol", "convnet"),
    "simclr_resnet18": ("simclr", "resnet18"),
    "byol_resnet18": ("byol", "resnet18"),
}


def fit(row, images, batch_size, epochs, seed, step_maker=make_step):
    """One whole run; returns its timings (see the module docstring).
    `step_maker(method, encoder, (C, H, W))` builds the train step
    (lightly_fit.py passes lightly's)."""
    rss.reset_peak()
    start_rss = rss.rss_mb()
    started = time.perf_counter()
    torch.manual_seed(seed)
    method, encoder_name = METHODS[row]
    step = step_maker(method, encoder_name, tuple(images.shape[1:]))
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(images), batch_size=batch_size, shuffle=True
    )
    batch_ends, epoch_ends, epoch_rss = [], [], []
    for _ in range(epochs):
        for (x,) in loader:
            step(x, x)
            batch_ends.append(time.perf_counter() - started)
        epoch_ends.append(time.perf_counter() - started)
        epoch_rss.append(rss.rss_mb())
    return {
        "seconds": time.perf_counter() - started,
        "batch_ends": batch_ends,
        "epoch_ends": epoch_ends,
        "peak_rss_mb": rss.peak_rss_mb(),
        "start_rss_mb": start_rss,
        "epoch_rss_mb": epoch_rss,
    }


def main(step_maker=make_step):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--serve", required=True, choices=sorted(METHODS))
    parser.add_argument("--images", required=True, help=".npy, (N, H, W, C) 0-255")
    parser.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    # (N, H, W, C) pixels 0-255 -> (N, C, H, W) in [0, 1], held in memory.
    images = np.load(args.images).astype("float32").transpose(0, 3, 1, 2) / 255.0
    images = torch.from_numpy(np.ascontiguousarray(images))
    print("ready", flush=True)
    for seed, line in enumerate(sys.stdin):
        if line.strip() != "fit":
            break
        timing = fit(args.serve, images, args.batch_size, args.epochs, seed, step_maker)
        print(json.dumps(timing), flush=True)


if __name__ == "__main__":
    main()
