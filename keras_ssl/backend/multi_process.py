"""Several processes, one model: the engines keras_ssl runs on, and the one
it refuses.

- JAX: `initialize_processes` joins this process to a multi-process JAX
  runtime through Keras's own `keras.distribution.initialize` (which calls
  `jax.distributed.initialize`), with gloo as the collectives between CPU
  devices. `keras.distribution.DataParallel` over the devices of every
  process then runs each step on the global batch.
- TensorFlow: Keras 3's `fit` does not run under `MultiWorkerMirroredStrategy`
  (keras-team/keras issue 20585); `refuse_unsupported_strategy` makes a
  keras_ssl model built in that strategy's scope fail at once, with the way
  out, instead of deep inside a collective at the first step.

`keras_ssl.distributed` is the public face of the JAX part; `SSLModel`
calls `refuse_unsupported_strategy` as it is built.
"""

import keras

UPSTREAM_ISSUE = "https://github.com/keras-team/keras/issues/20585"


def _jax():
    """The `jax` module if JAX is the active backend, else None."""
    if keras.config.backend() != "jax":
        return None
    import jax

    return jax


def multi_process_capable():
    """Whether the active backend runs one model over several processes
    (JAX only).

    Example:
    ```python
    if not multi_process_capable():
        raise SystemExit("set KERAS_BACKEND=jax")
    ```
    """
    return _jax() is not None


def initialize_processes(coordinator_address, num_processes, process_id, cpu_collectives):
    """Join this process to a multi-process JAX runtime (Keras's initialize).

    Args:
        coordinator_address: str or None. `"host:port"` of process 0, or a
            comma-separated list of every process's address (Keras's
            `job_addresses`; the first is the coordinator). None reads
            `KERAS_DISTRIBUTION_JOB_ADDRESSES`.
        num_processes: int or None. None reads
            `KERAS_DISTRIBUTION_NUM_PROCESSES`.
        process_id: int or None, in `[0, num_processes)`. None reads
            `KERAS_DISTRIBUTION_PROCESS_ID`.
        cpu_collectives: str or None. JAX's implementation of collectives
            between CPU devices (`"gloo"`, `"mpi"`); None keeps JAX's
            setting.

    Raises:
        RuntimeError: the active backend is not JAX.

    Example:
    ```python
    initialize_processes("10.0.0.1:1234", 2, 0, cpu_collectives="gloo")
    ```
    """
    jax = _jax()
    if jax is None:
        raise RuntimeError(
            f"keras_ssl trains one model over several processes on the JAX "
            f"backend only; KERAS_BACKEND is {keras.config.backend()!r}. Set "
            f"KERAS_BACKEND=jax (see docs/distributed.md). On TensorFlow, "
            f"Keras 3's fit does not support MultiWorkerMirroredStrategy "
            f"({UPSTREAM_ISSUE})."
        )
    if cpu_collectives is not None:
        # Without it, a CPU computation that spans processes has no
        # collectives to run on (JAX's documented choice for CPUs: gloo).
        jax.config.update("jax_cpu_collectives_implementation", cpu_collectives)
    keras.distribution.initialize(
        job_addresses=coordinator_address,
        num_processes=num_processes,
        process_id=process_id,
    )


def process_index():
    """This process's index in a multi-process run (0 otherwise).

    Example:
    ```python
    if process_index() == 0:
        model.save("simclr.keras")
    ```
    """
    jax = _jax()
    return 0 if jax is None else jax.process_index()


def process_count():
    """The number of processes training together (1 without a cluster).

    Example:
    ```python
    per_process_batch = global_batch // process_count()
    ```
    """
    jax = _jax()
    return 1 if jax is None else jax.process_count()


def gather_from_processes(value):
    """One int from every process, in process order (a list of one without
    a multi-process run). JAX's own `process_allgather`: a collective, so
    every process must call it at the same point.

    Args:
        value: int.

    Returns:
        list of int, one per process.

    Example:
    ```python
    steps = gather_from_processes(int(model.optimizer.iterations))
    ```
    """
    jax = _jax()
    if jax is None or jax.process_count() == 1:
        return [int(value)]
    import numpy as np
    from jax.experimental import multihost_utils

    gathered = multihost_utils.process_allgather(np.asarray(value, dtype="int32"))
    return [int(v) for v in np.ravel(gathered)]


def refuse_unsupported_strategy(model_name):
    """Raise if a model is being built under `MultiWorkerMirroredStrategy`.

    Keras 3's `fit` does not support that strategy (keras-team/keras issue
    20585): left alone, the first step fails inside a collective with a
    message about dtypes or reduction dimensions. `MirroredStrategy` (one
    machine, several devices) is supported and passes.

    Args:
        model_name: str. The class being built, for the message.

    Raises:
        RuntimeError: naming the upstream issue and the JAX path.

    Example:
    ```python
    refuse_unsupported_strategy(type(self).__name__)  # in a model's __init__
    ```
    """
    if keras.config.backend() != "tensorflow":
        return
    import tensorflow as tf

    if not tf.distribute.has_strategy():
        return
    strategy = tf.distribute.get_strategy()
    # The experimental MultiWorkerMirroredStrategy subclasses this one.
    if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return
    raise RuntimeError(
        f"{model_name} cannot train under tf.distribute."
        f"MultiWorkerMirroredStrategy: Keras 3's fit does not support that "
        f"strategy ({UPSTREAM_ISSUE}; its first step fails inside a "
        f"collective). To train on several machines, use the JAX backend: "
        f"KERAS_BACKEND=jax and keras_ssl.distributed.initialize(...) on every "
        f"process (docs/distributed.md). On one machine with several devices, "
        f"tf.distribute.MirroredStrategy works."
    )
