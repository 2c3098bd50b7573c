"""Minibatches of features, reshuffled every epoch by the probe's own seed."""

import keras
import numpy as np


class ShuffledBatches(keras.utils.PyDataset):
    """`(x, y)` minibatches in an order drawn from a private numpy generator.

    `fit(shuffle=True)` draws its order from global random state (numpy's on
    JAX and PyTorch, TensorFlow's op seeds on TensorFlow), so a probe run
    inside a callback would shift the order of the training it monitors.
    This dataset owns its generator: the probe is reproducible from its seed
    and leaves every global random state alone.

    Every batch has the same size, `min(batch_size, N)`: the last batch of
    an epoch is topped up with the first examples of that epoch's order, so
    the train step compiles once (a new shape means a new trace on JAX and
    TensorFlow, which costs more than the step on small probes).

    Args:
        x: array `(N, D)`.
        y: array `(N,)`.
        batch_size: int. Examples per batch.
        seed: int. Seed of the per-epoch permutations.
    """

    def __init__(self, x, y, batch_size, seed):
        super().__init__()
        self.x = x
        self.y = y
        self.batch_size = min(int(batch_size), len(x))
        self.rng = np.random.default_rng(seed)
        self.order = self._epoch_order()

    def _epoch_order(self):
        order = self.rng.permutation(len(self.x))
        missing = len(self) * self.batch_size - len(order)
        return np.concatenate([order, order[:missing]])

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, index):
        rows = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        return self.x[rows], self.y[rows]

    def on_epoch_end(self):
        self.order = self._epoch_order()
