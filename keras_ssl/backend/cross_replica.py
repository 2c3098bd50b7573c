"""Cross-replica helpers for losses and views under data parallelism.

Under TensorFlow's `MirroredStrategy` (or `MultiWorkerMirroredStrategy`) the
train step runs once per replica on a slice of the global batch, so:

- `all_gather_batch` collects a tensor from every replica (SimCLR's
  negatives come from the global batch, as in the paper); its gradient flows
  back to the replica that produced each row;
- `replica_seed` shifts the model's seed per replica, so that the replicas
  draw different augmentations instead of the same ones;
- `uniform_over_global_batch` draws per-example noise for the global batch
  and hands each replica its own rows (MAE's masks match one device's);
- `synchronize_batch_norm` makes BatchNorm layers average their statistics
  over the replicas (SimCLR's "global BN").

Under JAX's `keras.distribution.DataParallel` the jitted step sees the global
batch as one sharded array, and under a single device there is nothing to do:
the helpers then change nothing. TensorFlow is imported only when it is
the active backend.
"""

import keras
from keras import ops

# Replica r draws from seed [s + r * _REPLICA_SEED_STRIDE, counter]: streams
# that do not overlap the model's own (r = 0).
_REPLICA_SEED_STRIDE = 1_000_003


def _tf_replica_context():
    """The TF replica context if more than one replica runs, else None."""
    if keras.config.backend() != "tensorflow":
        return None
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return None
    return context


def num_replicas():
    """Replicas that each run the step on a slice of the batch (TF), else 1."""
    context = _tf_replica_context()
    return 1 if context is None else context.num_replicas_in_sync


def all_gather_batch(x):
    """Concatenate `x` over replicas along axis 0; locate this replica's rows.

    Args:
        x: tensor `(n, ...)`, this replica's rows (replicas may hold
            different `n`, e.g. on a last partial batch).

    Returns:
        `(gathered, offset)`: the `(N, ...)` rows of all replicas in replica
        order, and the index of this replica's first row in `gathered`
        (`(x, 0)` without replicas).
    """
    context = _tf_replica_context()
    if context is None:
        return x, 0
    import tensorflow as tf

    gathered = context.all_gather(x, axis=0)
    sizes = context.all_gather(tf.shape(x)[:1], axis=0)
    offset = tf.reduce_sum(sizes[: context.replica_id_in_sync_group])
    return gathered, offset


class _ReplicaSeed(keras.random.SeedGenerator):
    """Draws the wrapped generator's seeds, shifted by the replica's index.

    Keras random ops accept a `SeedGenerator` and call its `next()`; this one
    owns no state and advances the wrapped generator.
    """

    def __init__(self, generator, replica_id):  # noqa: D107 (no state of its own)
        self.generator = generator
        self.replica_id = replica_id
        self.name = f"{generator.name}_replica"
        self.backend = generator.backend

    def next(self, ordered=True):
        seed = self.generator.next(ordered=ordered)
        shift = ops.cast(self.replica_id, seed.dtype) * _REPLICA_SEED_STRIDE
        return seed + ops.stack([shift, ops.zeros_like(shift)])


def replica_seed(generator):
    """A seed for random ops that differs between replicas.

    Args:
        generator: `keras.random.SeedGenerator` (the model's).

    Returns:
        `generator` itself without replicas; under TF replicas, a generator
        that advances `generator` and shifts its seed by the replica index.
    """
    context = _tf_replica_context()
    if context is None:
        return generator
    return _ReplicaSeed(generator, context.replica_id_in_sync_group)


def uniform_over_global_batch(shape, seed):
    """Uniform noise `(n, ...)` for this replica's rows of the global batch.

    Under TF replicas every replica draws the global batch's `(N, ...)`
    noise from the same (unshifted) seed and keeps its own `n` rows, so
    per-example random choices (MAE's patch masks) are the ones a single
    device makes for the whole batch. Elsewhere it is
    `keras.random.uniform(shape, seed=seed)`.

    Args:
        shape: tuple; `shape[0]` (this replica's rows) may be a tensor.
        seed: `keras.random.SeedGenerator` (the model's) or int.
    """
    context = _tf_replica_context()
    if context is None:
        return keras.random.uniform(shape, seed=seed)
    import tensorflow as tf

    rows = tf.reshape(tf.cast(shape[0], "int32"), [1])
    sizes = context.all_gather(rows, axis=0)
    offset = tf.reduce_sum(sizes[: context.replica_id_in_sync_group])
    noise = keras.random.uniform((tf.reduce_sum(sizes), *shape[1:]), seed=seed)
    return noise[offset : offset + rows[0]]


def synchronize_batch_norm(layers):
    """Make the BatchNorm layers among `layers` use global-batch statistics.

    Only TensorFlow runs a step per replica (`MirroredStrategy`), so only
    there are the layers set to `synchronized` (Keras honours the flag on
    TensorFlow alone); JAX's `DataParallel` step already sees the global
    batch. The flag is not part of a layer's config, so a model saved on
    TensorFlow loads on JAX.

    Args:
        layers: iterable of Keras layers; those that are not
            `keras.layers.BatchNormalization` are left alone.
    """
    if keras.config.backend() != "tensorflow":
        return
    for layer in layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.synchronized = True
