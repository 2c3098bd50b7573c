"""SimCLR and BYOL written in plain Keras on JAX (no keras_ssl), for whole_fit.py.

The baseline of keras_ssl's own overhead on JAX: the same ConvNet (0-255
pixels rescaled, bias-free 3x3 convs with BatchNormalization momentum 0.9
and ReLU, 2x2 max-pools, global average pool), heads, losses and SGD as
keras_ssl's SimCLR and BYOL, built from `keras.layers` only, trained by
`model.fit` with a `train_step` written as Keras's guide to customizing
`fit` on JAX writes it (`stateless_call`, `jax.value_and_grad`,
`optimizer.stateless_apply`):

- SimCLR: head Dense(128, no bias)+BN+ReLU+Dense(128, no bias)+BN, NT-Xent
  (temperature 0.5) as cross-entropy over the 2N x 2N similarities;
- BYOL: projector 128->1024->256 and predictor 256->1024->256 (Dense+BN+
  ReLU+Dense), a target encoder and projector run with `training=True` and
  no gradient, the symmetric 2 - 2 cos loss, and the target's weights moved
  towards the online ones after each step with BYOL's cosine momentum
  schedule from 0.99 to 1.

Views = inputs (no augmentation), as whole_fit.py's `compute` mode.

Usage (whole_fit.py runs it beside keras_ssl, in the same worker):
    python benchmarks/whole_fit.py --backends jax --plain-keras
or alone, one timed 1-epoch fit on 1,024 random images:
    KERAS_BACKEND=jax python benchmarks/plain_keras_jax_fit.py --method byol
"""

import argparse
import math
import os
import time

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402
from keras import ops  # noqa: E402


def conv_net(shape):
    inputs = keras.Input(shape)
    x = layers.Rescaling(1 / 255)(inputs)
    for stage, filters in enumerate(((32, 32), (64, 64), (128,))):
        if stage:
            x = layers.MaxPooling2D()(x)
        for units in filters:
            x = layers.Conv2D(units, 3, padding="same", use_bias=False)(x)
            x = layers.BatchNormalization(momentum=0.9)(x)
            x = layers.ReLU()(x)
    return keras.Model(inputs, layers.GlobalAveragePooling2D()(x))


def mlp(width, hidden, units, output_bn):
    stack = [keras.Input((width,)), layers.Dense(hidden, use_bias=False),
             layers.BatchNormalization(momentum=0.9), layers.ReLU(),
             layers.Dense(units, use_bias=not output_bn)]
    return keras.Sequential(stack + ([layers.BatchNormalization(momentum=0.9)]
                                     if output_bn else []))


class PlainJaxModel(keras.Model):
    """A `fit`-able model whose JAX `train_step` differentiates `loss_of`."""

    def train_step(self, state, data):
        trainable, non_trainable, optimizer_vars, metrics_vars = state
        x = data[0] if isinstance(data, tuple) else data
        views = ops.concatenate([x, x], 0)  # views = inputs

        def loss_and_updates(trainable):
            outputs, updated = self.stateless_call(
                trainable, non_trainable, views, training=True)
            return self.loss_of(outputs), updated

        (loss, non_trainable), grads = jax.value_and_grad(
            loss_and_updates, has_aux=True)(trainable)
        trainable, optimizer_vars = self.optimizer.stateless_apply(
            optimizer_vars, grads, trainable)
        non_trainable = self.after_step(trainable, non_trainable, optimizer_vars)
        # Not "loss": Keras would show its own loss tracker under that name.
        return {"ssl_loss": loss}, (trainable, non_trainable, optimizer_vars, metrics_vars)

    @staticmethod
    def _ids(variables):
        return [id(v) for v in variables]

    def after_step(self, trainable, non_trainable, optimizer_vars):
        return non_trainable


class PlainSimCLR(PlainJaxModel):
    def __init__(self, shape, temperature=0.5):
        super().__init__()
        self.encoder = conv_net(shape)
        self.head = mlp(128, 128, 128, output_bn=True)
        self.temperature = temperature

    def call(self, x, training=False):
        return self.head(self.encoder(x, training=training), training=training)

    def loss_of(self, z):
        z = ops.normalize(z, axis=1)
        n = ops.shape(z)[0] // 2
        similarity = ops.matmul(z, ops.transpose(z)) / self.temperature
        similarity = similarity - 1e9 * ops.eye(2 * n)
        labels = ops.concatenate([ops.arange(n) + n, ops.arange(n)], 0)
        return ops.mean(
            ops.sparse_categorical_crossentropy(labels, similarity, from_logits=True))


class PlainBYOL(PlainJaxModel):
    def __init__(self, shape, steps, tau_base=0.99):
        super().__init__()
        self.encoder, self.projector = conv_net(shape), mlp(128, 1024, 256, False)
        self.predictor = mlp(256, 1024, 256, False)
        self.target_encoder, self.target_projector = conv_net(shape), mlp(128, 1024, 256, False)
        for online, target in self._pairs():
            target.assign(ops.convert_to_numpy(online))  # a buffer of its own
            # The weights, not the layers, are frozen: a layer's `trainable =
            # False` would also put the target's BatchNorm in inference mode.
            target.trainable = False
        self.steps, self.tau_base = steps, tau_base

    def _pairs(self):
        online = self.encoder.weights + self.projector.weights
        target = self.target_encoder.weights + self.target_projector.weights
        return [(o, t) for o, t in zip(online, target) if o.trainable]

    def call(self, x, training=False):
        """(predictions, targets) of the views stacked in `x`."""
        online = self.projector(self.encoder(x, training=training), training=training)
        # The target runs in training mode (batch statistics), as keras_ssl's.
        t = self.target_projector(self.target_encoder(x, training=True), training=True)
        return self.predictor(online, training=training), ops.stop_gradient(t)

    def loss_of(self, outputs):
        p1, p2 = ops.split(outputs[0], 2)
        t1, t2 = ops.split(outputs[1], 2)

        def cosine(p, z):
            return ops.mean(ops.sum(ops.normalize(p, axis=1) * ops.normalize(z, axis=1), 1))

        return 4 - 2 * cosine(p1, t2) - 2 * cosine(p2, t1)

    def after_step(self, trainable, non_trainable, optimizer_vars):
        """target = tau * target + (1 - tau) * online, tau on BYOL's cosine
        schedule over the planned steps."""
        step = ops.cast(optimizer_vars[self._iterations_slot()], "float32")
        progress = ops.minimum(step / self.steps, 1.0)
        tau = 1 - (1 - self.tau_base) * (ops.cos(math.pi * progress) + 1) / 2
        online = dict(zip(self._ids(self.trainable_variables), trainable))
        slots = {id(v): i for i, v in enumerate(self.non_trainable_variables)}
        non_trainable = list(non_trainable)
        for o, t in self._pairs():
            i = slots[id(t)]
            non_trainable[i] = tau * non_trainable[i] + (1 - tau) * online[id(o)]
        return non_trainable

    def _iterations_slot(self):
        ids = [id(v) for v in self.optimizer.variables]
        return ids.index(id(self.optimizer.iterations))


def build(method, shape, steps):
    """A compiled plain model: `method` is "simclr" or "byol"."""
    model = PlainSimCLR(shape) if method == "simclr" else PlainBYOL(shape, steps)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.06, momentum=0.9))
    return model


class PlainKerasFitRun:
    """whole_fit.py's run of the plain model: a fresh model per `fit` call,
    timed from the call to its return, as KerasFitRun times keras_ssl's."""

    def __init__(self, method, images, batch_size, epochs):
        self.method, self.batch_size, self.epochs = method, batch_size, epochs
        self.images = images.astype("float32")
        self.seed = 0

    def fit(self):
        from whole_fit_runs import step_clock

        keras.utils.set_random_seed(self.seed)
        self.seed += 1
        steps = self.epochs * -(-len(self.images) // self.batch_size)
        model = build(self.method, self.images.shape[1:], steps)
        started = time.perf_counter()
        clock = step_clock(started)
        model.fit(self.images, epochs=self.epochs, batch_size=self.batch_size,
                  shuffle=True, verbose=0, callbacks=[clock])
        return {"seconds": time.perf_counter() - started,
                "batch_ends": clock.batch_ends, "epoch_ends": clock.epoch_ends}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", choices=("simclr", "byol"), default="simclr")
    parser.add_argument("--images", type=int, default=1024)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()
    images = np.random.default_rng(0).integers(0, 256, (args.images, 28, 28, 1))
    run = PlainKerasFitRun(args.method, images, args.batch_size, epochs=1)
    timing = run.fit()
    print(f"plain Keras {args.method} ConvNet, {keras.backend.backend()}: one "
          f"{args.images}-image epoch in {timing['seconds']:.1f} s")


if __name__ == "__main__":
    main()
