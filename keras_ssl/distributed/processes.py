"""Join a multi-process run and learn this process's place in it."""

import keras

from keras_ssl.backend import multi_process


def initialize(
    coordinator_address=None,
    num_processes=None,
    process_id=None,
    cpu_collectives="gloo",
    data_parallel=True,
    auto_shard_dataset=False,
):
    """Make this process one of several that train one model (JAX backend).

    Call it first thing, on every process, before any model is built or any
    computation runs. It delegates to Keras's own
    `keras.distribution.initialize` (which calls `jax.distributed.
    initialize`), after choosing gloo for the collectives between CPU
    devices, and then (unless `data_parallel=False`) sets
    `keras.distribution.DataParallel` over the devices of all processes as
    Keras's distribution. From then on every `fit` step runs on the global
    batch: each process hands `fit` its own part of it (see
    `ProcessShard`), and weights, optimizer state, BYOL's moving averages,
    MoCo's queue and DINO's centre are the same arrays in every process.

    Args:
        coordinator_address: str or None. `"host:port"` of process 0, which
            runs the coordinator (any free port on that host), or Keras's
            comma-separated list of all processes' addresses (the first one
            is used). None reads `KERAS_DISTRIBUTION_JOB_ADDRESSES`.
        num_processes: int or None. Processes in the run. None reads
            `KERAS_DISTRIBUTION_NUM_PROCESSES`.
        process_id: int or None. This process's index, 0 to
            `num_processes - 1`; process 0 hosts the coordinator. None reads
            `KERAS_DISTRIBUTION_PROCESS_ID`.
        cpu_collectives: str or None. JAX's collectives between CPU devices
            (`"gloo"`, or `"mpi"`); None leaves JAX's setting. GPUs and TPUs
            use their own (NCCL, ICI) whatever this says.
        data_parallel: bool. Set `keras.distribution.DataParallel` over all
            devices of all processes as Keras's distribution.
        auto_shard_dataset: bool. False (the default): each process hands
            `fit` its own part of every global batch (a `ProcessShard`, its
            own arrays, or a `tf.data` pipeline it sharded itself); Keras
            accepts only this for inputs other than `tf.data`. True: every
            process hands `fit` the same `tf.data` pipeline of global
            batches and Keras keeps each process's part (`rebatch`, then
            `shard`).

    Returns:
        The `keras.distribution.DataParallel` that was set, or None when
        `data_parallel=False`.

    Raises:
        RuntimeError: the backend is not JAX (TensorFlow's multi-worker
            strategy is not supported by Keras 3's `fit`).

    Example:
    ```python
    # On host 0 (10.0.0.1) with process_id=0, on host 1 with process_id=1:
    keras_ssl.distributed.initialize("10.0.0.1:1234", num_processes=2, process_id=0)
    model = keras_ssl.SimCLR(encoder=keras_ssl.encoders.ResNet18(input_shape=(32, 32, 3)))
    model.compile()
    shard = keras_ssl.distributed.ProcessShard(images, global_batch_size=512)
    model.fit(shard, epochs=100, callbacks=[shard.epoch_callback])
    ```
    """
    multi_process.initialize_processes(
        coordinator_address, num_processes, process_id, cpu_collectives
    )
    if not data_parallel:
        return None
    distribution = keras.distribution.DataParallel(
        devices=keras.distribution.list_devices(),
        auto_shard_dataset=auto_shard_dataset,
    )
    keras.distribution.set_distribution(distribution)
    return distribution


def process_index():
    """This process's index among the processes training together.

    0 in a single-process run and on backends other than JAX.

    Returns:
        int.

    Example:
    ```python
    if keras_ssl.distributed.process_index() == 0:
        model.save("simclr.keras")  # one writer
    ```
    """
    return multi_process.process_index()


def process_count():
    """How many processes train together (1 without a multi-process run).

    Returns:
        int.

    Example:
    ```python
    per_process_batch = 512 // keras_ssl.distributed.process_count()
    ```
    """
    return multi_process.process_count()
