"""`BackupAndRestore` for a multi-process run: one folder per process."""

import os

import keras

from keras_ssl.backend import multi_process


class ProcessBackupAndRestore(keras.callbacks.BackupAndRestore):
    """Keras's `BackupAndRestore`, each process writing its own folder.

    Every process of a data-parallel run holds the same weights, so each
    saves its own copy in `backup_dir/process-<index>` (a local disk per
    host is enough; no shared file system, and no two writers on one file).
    keras_ssl's `save_weights` writes atomically, and the weights file
    holds the method's own state with the weights: BYOL's and MoCo's moving
    averages, their step counter, MoCo's queue, DINO's centre and the
    model's seed state, so the views after a restart are the ones the run
    that never stopped drew.

    As training begins, after each process has restored its backup, the
    processes compare the optimizer step they resume from. A worker killed
    between the end of an epoch and the end of its own save leaves backups
    one epoch apart; training from them would desynchronize the processes,
    so this raises instead, naming the steps.

    Args:
        backup_dir: str. The folder that holds one sub-folder per process.
        save_freq: `"epoch"` (Keras restores whole epochs) or an int of
            batches.
        **kwargs: passed to `keras.callbacks.BackupAndRestore`
            (`double_checkpoint`, `delete_checkpoint`).

    Example:
    ```python
    shard = keras_ssl.distributed.ProcessShard(images, global_batch_size=512)
    backup = keras_ssl.distributed.ProcessBackupAndRestore("/scratch/byol-backup")
    model.fit(shard, epochs=100, callbacks=[shard.epoch_callback, backup])
    ```
    """

    def __init__(self, backup_dir, save_freq="epoch", **kwargs):
        self.root_dir = backup_dir
        folder = os.path.join(backup_dir, f"process-{multi_process.process_index()}")
        super().__init__(folder, save_freq=save_freq, **kwargs)

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        optimizer = self.model.optimizer
        step = 0 if optimizer is None else int(optimizer.iterations.numpy())
        steps = multi_process.gather_from_processes(step)
        if len(set(steps)) > 1:
            raise RuntimeError(
                f"The processes restored backups of different steps "
                f"({steps}, in process order) from {self.root_dir!r}: a worker "
                f"stopped while the backups of one epoch were being written. "
                f"Copy the contents of the folder of a process with the lowest "
                f"step over the other processes' folders and start again."
            )
