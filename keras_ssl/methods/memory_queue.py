"""A first-in first-out queue of embeddings kept as model weights."""

import keras
from keras import ops

from keras_ssl.serialization import keras_ssl_serializable

__all__ = []


@keras_ssl_serializable
class MemoryQueue(keras.layers.Layer):
    """The last `size` embeddings a method saw, oldest overwritten first.

    MoCo's queue of negative keys (He et al. 2020) and NNCLR's support set
    (Dwibedi et al. 2021) are the same structure: a ring buffer of `size`
    rows written at `pointer`, which wraps around. The rows, the pointer and
    `filled` (how many rows hold embeddings, at most `size`) are
    non-trainable float32 / int32 weights of the owning model, so `.keras`
    files and `BackupAndRestore` resume with the same queue. Every weight
    takes the first replica's value under TensorFlow's strategies: a method
    pushes the gathered (global) batch, the same on every replica.

    References: https://arxiv.org/abs/1911.05722,
    https://arxiv.org/abs/2104.14548

    Args:
        size: int > 0. Rows the queue holds.
        dim: int > 0. Width of a row.
        random_init: bool. Start from random unit vectors (MoCo's code
            does) instead of zeros; `filled` counts pushed rows either way.
        seed: int or None. Seed of the random rows.
        **kwargs: `keras.layers.Layer` arguments (`name`).

    Example:
    ```python
    queue = MemoryQueue(size=4, dim=2)
    queue.push(np.ones((3, 2)))   # pointer 3, filled 3
    queue.push(np.zeros((2, 2)))  # rows 3 and 0 overwritten: pointer 1
    ```
    """

    def __init__(self, size, dim, random_init=False, seed=None, **kwargs):
        kwargs["dtype"] = "float32"  # Queued embeddings stay float32.
        super().__init__(**kwargs)
        if int(size) <= 0 or int(dim) <= 0:
            raise ValueError(
                f"A memory queue needs size > 0 and dim > 0; got size={size}, "
                f"dim={dim}."
            )
        self.size = int(size)
        self.dim = int(dim)
        self.random_init = bool(random_init)
        self.seed = seed
        initializer = "zeros"
        if self.random_init:
            def initializer(shape, dtype):
                rows = keras.random.normal(shape, dtype="float32", seed=seed)
                return ops.normalize(rows, axis=-1)
        self.values = self.add_weight(
            shape=(self.size, self.dim), initializer=initializer,
            dtype="float32", trainable=False, autocast=False,
            aggregation="only_first_replica", name="values",
        )
        self.pointer = self.add_weight(
            shape=(), initializer="zeros", dtype="int32", trainable=False,
            aggregation="only_first_replica", name="pointer",
        )
        self.filled = self.add_weight(
            shape=(), initializer="zeros", dtype="int32", trainable=False,
            aggregation="only_first_replica", name="filled",
        )
        self.built = True

    def check_capacity(self, count, what):
        """Raise if `count` rows per step (when known) exceed the queue."""
        if count is not None and int(count) > self.size:
            raise ValueError(
                f"{what}={self.size} is smaller than one global batch "
                f"({int(count)} examples): a step would overwrite its own "
                f"rows. Use {what} >= the global batch size (several times "
                f"it, as in the paper), or a smaller batch_size."
            )

    def push(self, rows):
        """Write `rows` `(n, dim)` at the pointer, wrapping around; advance
        the pointer by `n`. If `n > size`, only the newest `size` rows stay
        (what a FIFO of `size` would hold)."""
        rows = ops.cast(ops.stop_gradient(ops.convert_to_tensor(rows)), "float32")
        count = rows.shape[0]
        if count is not None:  # Known when traced (always on JAX).
            kept = min(count, self.size)
        else:  # TensorFlow's unknown batch size: a dynamic count.
            count = ops.cast(ops.shape(rows)[0], "int32")
            kept = ops.minimum(count, self.size)
        skipped = count - kept
        positions = (
            self.pointer.value + skipped + ops.arange(kept, dtype="int32")
        ) % self.size
        newest = rows[skipped:]
        self.values.assign(
            ops.scatter_update(
                self.values.value, ops.expand_dims(positions, 1), newest
            )
        )
        self.pointer.assign((self.pointer.value + count) % self.size)
        self.filled.assign(ops.minimum(self.filled.value + count, self.size))

    def call(self, inputs=None):
        return self.values.value

    def get_config(self):
        config = super().get_config()
        config.update(
            size=self.size, dim=self.dim, random_init=self.random_init,
            seed=self.seed,
        )
        return config
