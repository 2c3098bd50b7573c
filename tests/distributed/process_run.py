"""One process of a 2-process JAX run on localhost (test_multi_process.py).

    KERAS_BACKEND=jax python process_run.py JOB PORT PROCESS_ID OUT_DIR [--pause]

Each process joins the run with `keras_ssl.distributed.initialize` (process
0 hosts the coordinator on PORT), reads its own rows of 64 random 16x16
images through `keras_ssl.distributed.ProcessShard` (global batch 16, 8 per
process) and writes what it ends with to `OUT_DIR/<job>-<process>.npz`.

- JOB `methods`: SimCLR, MoCo (a queue of 32) and DINO each fit one epoch
  of 4 steps in `x`'s order, with cheap random views drawn from the
  model's seed. Then BYOL fits 3 epochs of a shuffled shard (4 steps
  each) with `ProcessBackupAndRestore`: the uninterrupted run. Last,
  process 0 fits SimCLR again alone (no distribution) on the same global
  batches: the `reference_simclr_` entries.
- JOB `byol`: the same BYOL run, backed up in `OUT_DIR/backup`. With
  `--pause`, process 1 stops after the second step of the second epoch
  (its loss read, so both processes are past the first epoch's backup),
  writes `OUT_DIR/paused` and sleeps until the test kills it.
"""

import os
import sys
import time

START = time.time()
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
JOB, PORT, PROCESS_ID, OUT_DIR = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
PAUSE = "--pause" in sys.argv[5:]


def log(message):
    """Timings for a slow run's log (stderr, which the test keeps)."""
    print(f"{time.time() - START:6.1f} s  {message}", file=sys.stderr, flush=True)


import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_ssl  # noqa: E402

# The same seed in every process and every launch: the same initial weights
# (Keras then skips drawing a shared seed at initialize).
keras.utils.set_random_seed(0)
log("imported")
keras_ssl.distributed.initialize(
    f"localhost:{PORT}", num_processes=2, process_id=PROCESS_ID
)
log("initialized")
GLOBAL_BATCH = 16
IMAGES = np.random.default_rng(0).integers(0, 256, (64, 16, 16, 3)).astype("uint8")


def noisy(images, seed):
    """A cheap random view drawn from the model's seed (so the seed's state
    is part of what must agree across processes and survive a restart)."""
    return images + keras.random.normal(keras.ops.shape(images), stddev=8.0, seed=seed)


def noisy_mirror(images, seed):
    return noisy(keras.ops.flip(images, axis=2), seed)


VIEWS = (noisy, noisy_mirror)


def encoder():
    return keras_ssl.encoders.ConvNet(input_shape=(16, 16, 3), stage_filters=((4,), (8,)))


def build(method):
    log(f"building {method}")
    keras.utils.set_random_seed(0)
    heads = dict(projection_hidden_units=(16,), projection_units=8)
    if method == "simclr":
        model = keras_ssl.SimCLR(encoder(), augmentation=VIEWS, seed=1, **heads)
    elif method == "moco":
        model = keras_ssl.MoCo(
            encoder(), queue_size=32, prediction_hidden_units=(16,),
            augmentation=VIEWS, seed=1, **heads,
        )
    elif method == "dino":
        model = keras_ssl.DINO(
            encoder(), augmentation=VIEWS, hidden_units=(16,), bottleneck_units=8,
            output_units=16, seed=1,
        )
    else:
        model = keras_ssl.BYOL(
            encoder(), prediction_hidden_units=(16,), augmentation=VIEWS, seed=1, **heads
        )
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9))
    return model


class StepLosses(keras.callbacks.Callback):
    """Each step's logged loss (the epoch's running mean) and the first epoch."""

    def __init__(self):
        super().__init__()
        self.losses, self.first_epoch = [], None

    def on_epoch_begin(self, epoch, logs=None):
        if self.first_epoch is None:
            self.first_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self.losses.append(float(logs["loss"]))


class PauseForKill(keras.callbacks.Callback):
    """Process 1 stops mid-epoch (epoch 1, after step 1) until killed."""

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.epoch == 1 and batch == 1:
            float(logs["loss"])  # the step is done in both processes
            with open(os.path.join(OUT_DIR, "paused"), "w") as marker:
                marker.write(str(os.getpid()))
            time.sleep(600)


def state(model, prefix):
    """The model's weights and the method's own state, as npz entries."""
    out = {f"{prefix}weight_{i}": keras.ops.convert_to_numpy(v.value)
           for i, v in enumerate(model.weights)}
    for name in ("center", "ema_step"):
        if hasattr(model, name):
            out[prefix + name] = keras.ops.convert_to_numpy(getattr(model, name).value)
    if getattr(model, "queue", None) is not None:
        for name in ("values", "pointer", "filled"):
            out[f"{prefix}queue_{name}"] = keras.ops.convert_to_numpy(
                getattr(model.queue, name).value
            )
    return out


def fit(model, data, **kwargs):
    losses = StepLosses()
    callbacks = [losses] + kwargs.pop("callbacks", [])
    log(f"{type(model).__name__} built")
    model.fit(data, verbose=0, callbacks=callbacks, **kwargs)
    log(f"{type(model).__name__} fitted")
    return losses


def byol(backup_dir, pause=False):
    """BYOL over 3 epochs of a shuffled shard, backed up at each epoch's end."""
    model = build("byol")
    shard = keras_ssl.distributed.ProcessShard(IMAGES, GLOBAL_BATCH, shuffle=True, seed=3)
    backup = keras_ssl.distributed.ProcessBackupAndRestore(backup_dir)
    callbacks = [shard.epoch_callback, backup] + ([PauseForKill()] if pause else [])
    losses = fit(model, shard, epochs=3, callbacks=callbacks)
    out = state(model, "byol_")
    out["byol_losses"] = np.array(losses.losses)
    out["byol_first_epoch"] = np.array(losses.first_epoch)
    return out


def methods_job():
    out = {}
    for method in ("simclr", "moco", "dino"):
        model = build(method)
        shard = keras_ssl.distributed.ProcessShard(IMAGES, GLOBAL_BATCH, shuffle=False)
        losses = fit(model, shard, epochs=1, callbacks=[shard.epoch_callback])
        out.update(state(model, f"{method}_"))
        out[f"{method}_losses"] = np.array(losses.losses)
    out.update(byol(os.path.join(OUT_DIR, "uninterrupted_backup")))
    if PROCESS_ID == 0:  # SimCLR alone in one process, the same global batches.
        keras.distribution.set_distribution(None)
        model = build("simclr")
        losses = fit(model, IMAGES, epochs=1, batch_size=GLOBAL_BATCH, shuffle=False)
        out.update(state(model, "reference_simclr_"))
        out["reference_simclr_losses"] = np.array(losses.losses)
    return out


if __name__ == "__main__":
    if JOB == "methods":
        result = methods_job()
    else:
        result = byol(os.path.join(OUT_DIR, "backup"), pause=PAUSE and PROCESS_ID == 1)
    path = os.path.join(OUT_DIR, f"{JOB}-{PROCESS_ID}.npz")
    np.savez(path + ".partial.npz", **result)
    os.replace(path + ".partial.npz", path)
    print("DONE", path, flush=True)
