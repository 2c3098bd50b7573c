"""A plain Keras 3 SimCLR step (no keras_ssl), to calibrate throughput.py.

The performance issue's calibration: a SimCLR train step written directly
in Keras (functional ConvNet, `Dense`/`BatchNormalization` head, NT-Xent as
cross-entropy over the 2N x 2N similarity matrix, a `GradientTape` train
step, SGD lr 0.06 momentum 0.9), on the TensorFlow backend, random views.
`throughput.py` runs it in the SimCLR ConvNet worker, taking turns with
keras_ssl's step, to show how far keras_ssl's step is from what a Keras user
would write by hand.

    KERAS_BACKEND=tensorflow python benchmarks/plain_keras_simclr.py
"""

import argparse
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402
from keras import ops  # noqa: E402


def conv_net(shape):
    inputs = keras.Input(shape)
    x = inputs
    for stage, filters in enumerate(((32, 32), (64, 64), (128,))):
        if stage:
            x = layers.MaxPooling2D()(x)
        for units in filters:
            x = layers.Conv2D(units, 3, padding="same", use_bias=False)(x)
            x = layers.BatchNormalization()(x)
            x = layers.ReLU()(x)
    return keras.Model(inputs, layers.GlobalAveragePooling2D()(x))


def head(width):
    return keras.Sequential([
        layers.Dense(width, use_bias=False), layers.BatchNormalization(), layers.ReLU(),
        layers.Dense(128, use_bias=False), layers.BatchNormalization(),
    ])


class PlainSimCLR(keras.Model):
    def __init__(self, shape, temperature=0.5):
        super().__init__()
        self.encoder = conv_net(shape)
        self.head = head(128)
        self.temperature = temperature

    def loss_of(self, x1, x2):
        z = self.head(self.encoder(ops.concatenate([x1, x2], 0), training=True), training=True)
        z = ops.normalize(z, axis=1)
        n = ops.shape(x1)[0]
        similarity = ops.matmul(z, ops.transpose(z)) / self.temperature
        similarity = similarity - 1e9 * ops.eye(2 * n)
        labels = ops.concatenate([ops.arange(n) + n, ops.arange(n)], 0)
        return ops.mean(
            ops.sparse_categorical_crossentropy(labels, similarity, from_logits=True)
        )

    def train_step(self, data):
        x1, x2 = data
        with tf.GradientTape() as tape:
            loss = self.loss_of(x1, x2)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        return {"loss": loss}


def random_views(shape, batch_size, steps):
    """A cached dataset of `steps` batches of two random float32 views."""
    rng = np.random.default_rng(0)
    count = batch_size * steps
    views = tuple(255.0 * rng.random((count,) + shape, dtype="float32") for _ in range(2))
    return tf.data.Dataset.from_tensor_slices(views).batch(batch_size).cache()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=4, help="steps per timed epoch")
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs")
    parser.add_argument("--jit-compile", action="store_true")
    args = parser.parse_args()
    count = args.batch_size * args.steps
    data = random_views((28, 28, 1), args.batch_size, args.steps)
    model = PlainSimCLR((28, 28, 1))
    model.compile(
        optimizer=keras.optimizers.SGD(0.06, momentum=0.9), jit_compile=args.jit_compile
    )
    model.fit(data, epochs=1, verbose=0)  # Warm-up (tracing).
    seconds = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        model.fit(data, epochs=1, verbose=0)
        seconds.append(time.perf_counter() - start)
    median = float(np.median(seconds))
    print(
        f"plain Keras SimCLR ConvNet, {keras.backend.backend()}, jit_compile="
        f"{args.jit_compile}: {count / median:.1f} images/s median, "
        f"{count / min(seconds):.1f} best ({1000 * median / args.steps:.0f} ms/step)"
    )


if __name__ == "__main__":
    main()
