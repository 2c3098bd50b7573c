"""The timed runs of whole_fit.py: a keras_ssl `fit` call, or a whole run of
the PyTorch reference (reference_pytorch_fit.py, in its own process), and
the figures taken from each run's step clock and memory (rss.py: the
process's peak RSS from the run's start, its RSS then and at each epoch's
end).
"""

import json
import os
import subprocess
import sys
import time

import numpy as np

import rss
from throughput_rows import build_model


def step_clock(started):
    """A callback recording, in seconds since `started`, when each step and
    each epoch of `fit` ends, and the RSS (MB) at each epoch's end. (A
    callback with batch hooks makes Keras fetch each step's logs, as the
    default progress bar does.)"""
    import keras

    class StepClock(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.batch_ends, self.epoch_ends, self.epoch_rss = [], [], []

        def on_train_batch_end(self, batch, logs=None):
            self.batch_ends.append(time.perf_counter() - started)

        def on_epoch_end(self, epoch, logs=None):
            self.epoch_ends.append(time.perf_counter() - started)
            self.epoch_rss.append(rss.rss_mb())

    return StepClock()


class KerasFitRun:
    """`model.fit(images, epochs=E, batch_size=B)` of a fresh model per call.

    `compute`: float pixels, views = inputs (no augmentation), as the
    reference; `end-to-end`: the raw uint8 images with the method's default
    on-device augmentation. Building and compiling the model are not timed;
    the `fit` call, from its start to its return, is. The run's peak RSS is
    counted from the start of `fit()`, before the model is built.
    """

    def __init__(self, row, mode, images, batch_size, epochs):
        from throughput_rows import all_rows

        self.method, self.encoder_name, *_ = all_rows()[row]
        self.mode, self.batch_size, self.epochs = mode, batch_size, epochs
        self.images = images if mode == "end-to-end" else images.astype("float32")
        self.seed = 0

    def fit(self):
        import keras

        rss.reset_peak()
        start_rss = rss.rss_mb()
        keras.utils.set_random_seed(self.seed)
        self.seed += 1
        model = build_model(
            self.method, self.encoder_name, self.images.shape[1:],
            augment=self.mode == "end-to-end",
        )
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.06, momentum=0.9))
        started = time.perf_counter()
        clock = step_clock(started)
        model.fit(
            self.images, epochs=self.epochs, batch_size=self.batch_size,
            shuffle=True, verbose=0, callbacks=[clock],
        )
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "batch_ends": clock.batch_ends,
                "epoch_ends": clock.epoch_ends, "peak_rss_mb": rss.peak_rss_mb(),
                "start_rss_mb": start_rss, "epoch_rss_mb": clock.epoch_rss}


class ReferenceFitRun:
    """reference_pytorch_fit.py serving whole runs of `row` on `images`; or
    another script speaking its protocol (lightly_fit.py), run by `python`
    (lightly's own virtualenv)."""

    def __init__(self, row, images, batch_size, epochs, scratch_dir,
                 script="reference_pytorch_fit.py", python=sys.executable, extra=()):
        here = os.path.dirname(os.path.abspath(__file__))
        path = os.path.join(scratch_dir, f"{row}_images.npy")
        np.save(path, images)
        self.process = subprocess.Popen(
            [python, os.path.join(here, script),
             "--serve", row, "--images", path, "--batch-size", str(batch_size),
             "--epochs", str(epochs), *extra],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        )
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError(f"{script} --serve {row} did not start")
        self.batch_size, self.epochs = batch_size, epochs

    def fit(self):
        self.process.stdin.write("fit\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def run_figures(timing, images_per_epoch, batch_size):
    """Figures of one run: whole-run images/s; the steady-state step time
    (the median gap between consecutive steps of the same epoch, from the
    second epoch on (of a 1-epoch run: its only epoch), leaving out each
    epoch's first step, which carries the epoch's set-up, and a partial
    last batch); the fixed cost (wall time less all the run's images at the
    steady-state time per full batch); and the time after the first epoch
    against its images at that rate (the issue's "within 5%"), as a whole
    and per later epoch (`later_epochs_vs_steps`, the last epoch running
    to the return of `fit`; `worst_epoch_vs_steps` their maximum). The
    figures of later epochs are NaN in a 1-epoch run.

    Where that time goes, from the same clock: the mean of those gaps (a
    mean above the median means some steps ran slow, not that an epoch paid
    a set-up), each later epoch's first step counted from the previous
    epoch's last (`boundary_ms`, median: the per-epoch set-up, if any, plus
    one step), and the time from the last step to the return of `fit`.
    Memory, where the run reported it: `peak_rss_mb`, `start_rss_mb` and
    `epoch_rss_mb` (a list, as are `later_epochs_vs_steps`)."""
    epochs = len(timing["epoch_ends"])
    steps = -(-images_per_epoch // batch_size)
    per_epoch = np.asarray(timing["batch_ends"]).reshape(epochs, steps)
    gaps = np.diff(per_epoch[1:] if epochs > 1 else per_epoch, axis=1)
    if images_per_epoch % batch_size and steps > 2:
        gaps = gaps[:, :-1]
    step = float(np.median(gaps)) if gaps.size else float("nan")
    full_steps = images_per_epoch / batch_size  # a partial batch counts its share
    seconds = timing["seconds"]
    ends = list(timing["epoch_ends"][:-1]) + [seconds]
    later = [(b - a) / (full_steps * step) - 1 for a, b in zip(ends, ends[1:])]
    nan = float("nan")
    figures = {
        "seconds": seconds,
        "images_per_s": epochs * images_per_epoch / seconds,
        "step_ms": 1000 * step,
        "fixed_s": seconds - epochs * full_steps * step,
        "first_epoch_s": timing["epoch_ends"][0],
        "after_first_vs_steps": float(np.mean(later)) if later else nan,
        "worst_epoch_vs_steps": max(later) if later else nan,
        "mean_step_ms": 1000 * float(np.mean(gaps)) if gaps.size else nan,
        "boundary_ms": 1000 * float(np.median(per_epoch[1:, 0] - per_epoch[:-1, -1]))
        if epochs > 1 else nan,
        "tail_s": seconds - float(per_epoch[-1, -1]),
        "later_epochs_vs_steps": later,
    }
    for key in ("peak_rss_mb", "start_rss_mb", "epoch_rss_mb"):
        if key in timing:
            figures[key] = timing[key]
    return figures
