"""One input pipeline for all of `fit`'s epochs: no per-epoch iterator.

Given a finite input and no `steps_per_epoch`, Keras makes a new iterator
every epoch and drops the previous one. On TensorFlow, tearing down a
`tf.data` iterator that an epoch has read to its end stalls the start of
the next epoch by seconds (measured in `benchmarks/studies/epoch_stall.py`; the
stall vanishes when the old iterators are kept alive). So `fit` is handed
one repeated pipeline and the batches of one epoch as `steps_per_epoch`:
Keras then keeps a single iterator for the whole run.

- Arrays (TensorFlow backend): one `tf.data` pipeline whose epoch `e` reads
  the examples in `stateless_shuffle(range(N), seed=(s, e))` order (or in
  order with `shuffle=False`), in batches of `batch_size`, the last one
  partial, as Keras would. The seed `s` is the model's seed generator's
  seed and `e` counts from the epoch `fit` starts at (`initial_epoch`, or
  the one `BackupAndRestore` resumes from); both are read as training
  begins. Every epoch's order is thus reshuffled, and a resumed run sees
  the orders of the run it resumes.
- `tf.data` datasets of known size (any backend): `dataset.repeat()`; each
  epoch is one pass, in the order the dataset gives it.

Both run with tf.data's autotuning off (unless the dataset's own options
set it; see `without_autotune`): deleting an autotuned pipeline's iterator
at the end of `fit` waited 13-14 s for the autotuning thread.

Everything else (generators, `PyDataset`s, datasets of unknown size, an
explicit `steps_per_epoch`, `y`/`sample_weight`/`class_weight`/
`validation_split`, arrays on JAX or torch, `tf.distribute` strategies)
goes to Keras unchanged. Set `KERAS_SSL_EPOCH_PIPELINE=0` to turn this off
(e.g. to measure the stall).
"""

import os

import keras

from keras_ssl.backend import arrays_fit_through_tf_data
from keras_ssl.data.tf_datasets import is_tf_dataset

# Keras's batch size for arrays when fit() is given none.
_KERAS_BATCH_SIZE = 32
# Batches made ahead of the step; gathering one is cheap next to a step.
_PREFETCH_BATCHES = 2
# Keeps the order's seeds apart from the views' (which use (s, step)).
_ORDER_STREAM = 0x5EED


def epoch_pipeline_enabled():
    """False when `KERAS_SSL_EPOCH_PIPELINE=0`: inputs then go to Keras as
    given, with a new iterator every epoch.

    Example:
    ```python
    os.environ["KERAS_SSL_EPOCH_PIPELINE"] = "0"
    epoch_pipeline_enabled()   # False
    ```
    """
    return os.environ.get("KERAS_SSL_EPOCH_PIPELINE", "1") != "0"


def one_pipeline_for_epochs(x, y, kwargs, is_array):
    """`(x, kwargs)` for `fit`, read through one iterator for all epochs.

    Args:
        x: the checked input of `fit` (arrays, dicts or tuples of arrays, a
            `tf.data.Dataset` of batches, or anything else, returned as is).
        y: `fit`'s targets; given ones leave the input to Keras.
        kwargs: `fit`'s other keyword arguments (`batch_size`, `shuffle`,
            `steps_per_epoch`, `initial_epoch`, `callbacks`, ...). A copy
            comes back with `steps_per_epoch` set, `batch_size` removed,
            `shuffle=False` and, for arrays, a callback appended.
        is_array: bool. Whether `x` is array-like (numpy, dict, tuple).

    Returns:
        `(x, kwargs)`: unchanged where nothing applies.

    Example:
    ```python
    x, kwargs = one_pipeline_for_epochs(
        images, None, {"batch_size": 250, "shuffle": True}, is_array=True
    )
    kwargs["steps_per_epoch"]   # 16 for 4,000 images
    ```
    """
    if not _applies(x, y, kwargs):
        return x, kwargs
    kwargs = dict(kwargs)
    if is_tf_dataset(x):
        batches = int(x.cardinality())
        if batches <= 0:  # Unknown or infinite: Keras's way.
            return x, kwargs
        kwargs.pop("batch_size", None)
        kwargs["shuffle"] = False
        kwargs["steps_per_epoch"] = batches
        import tensorflow as tf  # A tf.data dataset: it is installed.

        return without_autotune(tf, x.repeat()), kwargs
    if not is_array or not arrays_fit_through_tf_data():
        return x, kwargs
    import tensorflow as tf  # The TensorFlow backend: it is installed.

    if tf.distribute.has_strategy() or kwargs.get("shuffle", True) == "batch":
        return x, kwargs
    arrays = keras.tree.lists_to_tuples(x)
    count = int(keras.tree.flatten(arrays)[0].shape[0])
    batch_size = kwargs.pop("batch_size", None) or _KERAS_BATCH_SIZE
    order = EpochOrder(bool(kwargs.get("shuffle", True)), kwargs.get("initial_epoch", 0))
    kwargs["shuffle"] = False
    kwargs["steps_per_epoch"] = -(-count // batch_size)
    kwargs["callbacks"] = list(kwargs.get("callbacks") or []) + [order]
    return order.pipeline(tf, arrays, count, batch_size), kwargs


def without_autotune(tf, dataset):
    """`dataset` with tf.data's autotuning off, unless its options set it.

    Deleting the iterator of an autotuned pipeline waits for tf.data's
    autotuning thread: 13-14 s at the end of most `fit` calls in
    `benchmarks/whole_fit.py`'s runs on 2 cores (TensorFlow 2.21), none with
    autotuning off. `num_parallel_calls=tf.data.AUTOTUNE` and
    `prefetch(tf.data.AUTOTUNE)` still work without it, at fixed settings.

    Args:
        tf: the `tensorflow` module.
        dataset: a `tf.data.Dataset`.

    Returns:
        The dataset, with `options().autotune.enabled` False where it was
        unset (a dataset whose options set it is returned as is).

    Example:
    ```python
    dataset = without_autotune(tf, dataset)
    dataset.options().autotune.enabled   # False
    ```
    """
    if dataset.options().autotune.enabled is not None:
        return dataset
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)


def _applies(x, y, kwargs):
    if x is None or y is not None or not epoch_pipeline_enabled():
        return False
    if kwargs.get("steps_per_epoch") is not None:
        return False
    return not any(
        kwargs.get(name) for name in ("sample_weight", "class_weight", "validation_split")
    )


class EpochOrder(keras.callbacks.Callback):
    """The order of every epoch of an array input, fixed as `fit` begins.

    Holds a `(seed, first epoch)` pair that the pipeline reads: as training
    begins (after `BackupAndRestore` has restored the weights and the epoch
    to resume from), the seed becomes the model's seed generator's seed and
    the first epoch `fit`'s starting epoch. Epoch `e`'s order depends only
    on `(seed, e)`.

    Args:
        shuffle: bool. Reshuffle every epoch, or keep the array's order.
        initial_epoch: int. `fit`'s `initial_epoch`.

    Example:
    ```python
    order = EpochOrder(shuffle=True, initial_epoch=0)
    dataset = order.pipeline(tf, images, len(images), batch_size=250)
    model.fit(dataset, steps_per_epoch=16, epochs=4, callbacks=[order])
    ```
    """

    def __init__(self, shuffle, initial_epoch=0):
        super().__init__()
        import tensorflow as tf

        self.shuffle = shuffle
        self.initial_epoch = int(initial_epoch or 0)
        self.state = tf.Variable([0, self.initial_epoch], dtype="int64", trainable=False)

    def pipeline(self, tf, arrays, count, batch_size):
        """A repeated `tf.data` pipeline of the batches of `arrays`.

        Args:
            tf: the `tensorflow` module.
            arrays: a structure of arrays with `count` examples each.
            count: int. The number of examples.
            batch_size: int. Examples per batch (the last may have fewer).
        """
        state = self.state
        shuffle = self.shuffle

        def epoch_batches(epoch_in_run):
            indices = tf.range(count, dtype="int64")
            if shuffle:
                seed = tf.stack([state[0] + _ORDER_STREAM, state[1] + epoch_in_run])
                indices = tf.random.experimental.stateless_shuffle(indices, seed=seed)
            return tf.data.Dataset.from_tensor_slices(indices).batch(batch_size)

        def gather(indices, data):
            return tf.nest.map_structure(lambda a: tf.gather(a, indices), data)

        index_batches = tf.data.Dataset.counter().flat_map(epoch_batches)
        whole = tf.data.Dataset.from_tensors(arrays).repeat()
        batches = tf.data.Dataset.zip((index_batches, whole))
        batches = batches.map(gather)
        batches = batches.apply(
            tf.data.experimental.assert_cardinality(tf.data.INFINITE_CARDINALITY)
        )
        return without_autotune(tf, batches.prefetch(_PREFETCH_BATCHES))

    def on_train_begin(self, logs=None):
        generator = getattr(self.model, "seed_generator", None)
        seed = 0
        if generator is not None:
            seed = int(keras.ops.convert_to_numpy(generator.state.value)[0])
        start = getattr(self.model, "_initial_epoch", None) or self.initial_epoch
        self.state.assign([seed, int(start)])
