"""This process's batches of a data set that every process can index."""

import warnings

import keras
import numpy as np

from keras_ssl.backend import multi_process


class ProcessShard(keras.utils.PyDataset):
    """This process's part of each global batch, in an order fixed by the epoch.

    In a multi-process run (`keras_ssl.distributed.initialize`) each process
    hands `fit` its own rows of every global batch; Keras assembles the
    global batch from the processes' parts, in process order. This data set
    gives process `p` of `P`, as batch `k` of epoch `e`, rows
    `[p * b, (p + 1) * b)` of global batch `k`, where `b = B / P`, the
    global batches are the consecutive batches of `B` rows of `x` in the
    epoch's order, and that order is a permutation that depends only on
    `(seed, e)` (or `x`'s order with `shuffle=False`). So:

    - the processes together see exactly the global batches of one process
      reading `x` in the epoch's order in batches of `B` (with
      `shuffle=False`, those of `fit(x, batch_size=B, shuffle=False)`);
    - a run resumed by `keras.callbacks.BackupAndRestore` at epoch `e`
      reads epoch `e`'s order, as the run that never stopped did.

    Pass `shard.epoch_callback` to `fit` with the shard: it tells the shard
    which epoch is starting (the one `BackupAndRestore` resumed from, too).
    A last partial global batch is dropped: every process must hand in the
    same number of rows.

    Every process indexes the whole of `x` (a memory-mapped `.npy` keeps
    that cheap) and reads only its own rows of it. For data that each host
    holds only in part, hand `fit` the host's own arrays with
    `batch_size=B // P`, or a `tf.data` pipeline of global batches, which
    Keras's `DataParallel` shards when `initialize` is given
    `auto_shard_dataset=True` (docs/distributed.md).

    Args:
        x: array, or a tuple or dict of arrays with the same first
            dimension: the whole data set, the same in every process.
        global_batch_size: int. `B`, the batch of one step over all
            processes; a multiple of the number of processes.
        shuffle: bool. Reorder the rows every epoch (by `(seed, epoch)`).
        seed: int. The order's seed; the same in every process.
        num_processes: int or None. `P`; None asks the running cluster.
        process_id: int or None. `p`; None asks the running cluster.

    Example:
    ```python
    keras_ssl.distributed.initialize("10.0.0.1:1234", num_processes=2, process_id=i)
    shard = keras_ssl.distributed.ProcessShard(images, global_batch_size=512, seed=0)
    model.fit(shard, epochs=100, callbacks=[shard.epoch_callback])
    ```
    """

    def __init__(
        self,
        x,
        global_batch_size,
        shuffle=True,
        seed=0,
        num_processes=None,
        process_id=None,
    ):
        super().__init__()
        self.x = x
        self.global_batch_size = int(global_batch_size)
        self.shuffle = shuffle
        self.seed = int(seed)
        self.num_processes = int(
            multi_process.process_count() if num_processes is None else num_processes
        )
        self.process_id = int(
            multi_process.process_index() if process_id is None else process_id
        )
        if self.global_batch_size % self.num_processes:
            raise ValueError(
                f"global_batch_size={self.global_batch_size} must be a multiple "
                f"of the number of processes ({self.num_processes}): each "
                f"process hands in the same number of rows."
            )
        if not 0 <= self.process_id < self.num_processes:
            raise ValueError(
                f"process_id={self.process_id} is not in [0, {self.num_processes})."
            )
        self.count = len(keras.tree.flatten(x)[0])
        if self.count < self.global_batch_size:
            raise ValueError(
                f"x has {self.count} rows, fewer than one global batch of "
                f"{self.global_batch_size}."
            )
        self.local_batch_size = self.global_batch_size // self.num_processes
        self.epoch = 0
        self.epoch_callback = _EpochCallback(self)
        self._order_epoch = None
        self._order = None
        self._epochs_begun = 0

    def __len__(self):
        return self.count // self.global_batch_size

    def on_epoch_begin(self):
        # Keras calls this as each epoch starts (and once more on JAX, as it
        # reads a first batch for shapes): by the third call a second epoch
        # is under way.
        self._epochs_begun += 1
        if self.shuffle and not self.epoch_callback.attached and self._epochs_begun == 3:
            warnings.warn(
                "ProcessShard(shuffle=True) is read without its epoch_callback "
                "among fit's callbacks, so every epoch reads epoch 0's order. "
                "Pass it: model.fit(shard, callbacks=[shard.epoch_callback]).",
                stacklevel=2,
            )

    def epoch_order(self, epoch):
        """The rows of `x` in epoch `epoch`'s order (all processes).

        Args:
            epoch: int.

        Returns:
            int64 array of the `len(x)` row indices.

        Example:
        ```python
        shard.epoch_order(3)[:16]   # the rows of epoch 3's first global batch
        ```
        """
        if not self.shuffle:
            return np.arange(self.count)
        return np.random.default_rng([self.seed, int(epoch)]).permutation(self.count)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"batch {index} of a shard of {len(self)} batches")
        if self._order_epoch != self.epoch:
            self._order, self._order_epoch = self.epoch_order(self.epoch), self.epoch
        start = index * self.global_batch_size + self.process_id * self.local_batch_size
        rows = self._order[start : start + self.local_batch_size]
        return keras.tree.map_structure(lambda a: np.asarray(a[rows]), self.x)


class _EpochCallback(keras.callbacks.Callback):
    """Tells a `ProcessShard` which epoch `fit` is starting."""

    def __init__(self, shard):
        super().__init__()
        self.shard = shard
        self.attached = False

    def on_train_begin(self, logs=None):
        self.attached = True

    def on_epoch_begin(self, epoch, logs=None):
        self.attached = True
        self.shard.epoch = int(epoch)
