"""Per-epoch wall times of `fit`: does the first step of an epoch stall?

A finished study (issue 16 item 1; its conclusion is in BENCHMARKS.md,
"The per-epoch stall"): `fit` on TensorFlow used to pay a stall at the
start of every epoch; keras_ssl's one input pipeline for all epochs
removed it.

SimCLR on mnist5k's first 4,000 training digits, batch 250 (16 steps per
epoch), `fit(x, epochs=4)`; prints each epoch's wall time and its first
step against the mean of its other steps (times from batch end to batch
end, the first from the epoch's start). `--no-fix` sets
`KERAS_SSL_EPOCH_PIPELINE=0` (Keras's new iterator every epoch) to compare.

    python benchmarks/studies/epoch_stall.py           # the fix (default)
    python benchmarks/studies/epoch_stall.py --no-fix  # before
    KERAS_BACKEND=jax python benchmarks/studies/epoch_stall.py --input dataset
"""

import argparse
import os
import time

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--no-fix", action="store_true", help="a new iterator every epoch")
parser.add_argument("--input", choices=("numpy", "dataset"), default="numpy")
parser.add_argument("--encoder", choices=("convnet", "tiny"), default="convnet")
parser.add_argument("--epochs", type=int, default=4)
parser.add_argument("--examples", type=int, default=4000)
parser.add_argument("--batch-size", type=int, default=250)
args = parser.parse_args()
if args.no_fix:
    os.environ["KERAS_SSL_EPOCH_PIPELINE"] = "0"
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_ssl  # noqa: E402


class EpochTimes(keras.callbacks.Callback):
    """Records each epoch's wall time and the time of each of its steps."""

    def __init__(self):
        super().__init__()
        self.rows = []

    def on_train_begin(self, logs=None):
        self.train_begin = time.perf_counter()

    def on_train_end(self, logs=None):
        self.train_end = time.perf_counter()

    def on_epoch_begin(self, epoch, logs=None):
        self.start = self.last = time.perf_counter()
        self.steps = []

    def on_train_batch_end(self, batch, logs=None):
        now = time.perf_counter()
        self.steps.append(now - self.last)
        self.last = now

    def on_epoch_end(self, epoch, logs=None):
        self.rows.append((epoch, time.perf_counter() - self.start, self.steps))


def main():
    images, _ = keras_ssl.datasets.mnist5k("train")
    images = images[: args.examples]
    stages = ((8,), (16,)) if args.encoder == "tiny" else ((32, 32), (64, 64), (128,))
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1), stage_filters=stages)
    model = keras_ssl.SimCLR(encoder, seed=0)
    model.compile()
    fit_kwargs = dict(batch_size=args.batch_size)
    data = images
    if args.input == "dataset":
        import tensorflow as tf

        data = tf.data.Dataset.from_tensor_slices(images).batch(args.batch_size)
        fit_kwargs = {}
    timer = EpochTimes()
    start = time.perf_counter()
    model.fit(data, epochs=args.epochs, verbose=0, callbacks=[timer], **fit_kwargs)
    end = time.perf_counter()
    print(
        f"{keras.backend.backend()} input={args.input} encoder={args.encoder} "
        f"fix={'off' if args.no_fix else 'on'}: fit {end - start:.2f} s "
        f"(call to train begin {timer.train_begin - start:.2f} s, train end "
        f"to return {end - timer.train_end:.2f} s)"
    )
    for epoch, seconds, steps in timer.rows:
        print(
            f"  epoch {epoch}: {seconds:6.2f} s  steps {len(steps)}  first "
            f"{steps[0]:.3f} s  others {np.mean(steps[1:]):.3f} s"
        )


if __name__ == "__main__":
    main()
