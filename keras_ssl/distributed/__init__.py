"""Training one model over several processes or machines (JAX backend).

Keras's own engine does the work: `keras.distribution.initialize` over
JAX's multi-process runtime (`jax.distributed`), and
`keras.distribution.DataParallel` over the devices of every process. This
package is the set-up a user would otherwise copy from docs/distributed.md:

- `initialize(coordinator_address, num_processes, process_id)`: join the
  run (gloo collectives on CPUs) and set `DataParallel` over all devices;
- `ProcessShard`: this process's rows of every global batch of an array,
  in an order fixed by the epoch, so a resumed run reads what an
  uninterrupted one did;
- `ProcessBackupAndRestore`: `keras.callbacks.BackupAndRestore` with one
  folder per process, checking that the processes resume from one step;
- `process_index()`, `process_count()`.

TensorFlow's `MultiWorkerMirroredStrategy` is not supported by Keras 3's
`fit` (keras-team/keras issue 20585); a keras_ssl model built under it
raises at once. One machine with several devices works on both backends
(`tf.distribute.MirroredStrategy`, `keras.distribution.DataParallel`).
"""

from keras_ssl.distributed.process_backup import ProcessBackupAndRestore
from keras_ssl.distributed.process_shard import ProcessShard
from keras_ssl.distributed.processes import initialize
from keras_ssl.distributed.processes import process_count
from keras_ssl.distributed.processes import process_index

__all__ = [
    "ProcessBackupAndRestore",
    "ProcessShard",
    "initialize",
    "process_count",
    "process_index",
]
