"""The schedule shared by the evaluation callbacks: when to measure, what to log."""

import contextlib
import random

import keras
import numpy as np


@contextlib.contextmanager
def preserved_global_random_state():
    """Restore numpy's and Python's global random state on exit.

    The measurements draw from their own seeded generators; this guards the
    run they monitor against any library code that draws from the globals
    (on JAX and PyTorch, `fit` shuffles with numpy's global state).
    """
    numpy_state = np.random.get_state()
    python_state = random.getstate()
    try:
        yield
    finally:
        np.random.set_state(numpy_state)
        random.setstate(python_state)


class EncoderMonitor(keras.callbacks.Callback):
    """Base of callbacks that measure the encoder at the end of epochs.

    A subclass implements `measure(encoder) -> dict` (the values to log)
    and optionally `check(encoder)` (cheap input checks run when training
    starts). This base decides when to measure and writes the values into
    the epoch's `logs`, so callbacks placed after it in the `callbacks` list
    (EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, CSVLogger,
    TensorBoard) and the History read them.

    Schedule: a measurement runs on the first epoch of each `fit`, on every
    epoch whose index is a multiple of `every_n_epochs`, and on the last
    epoch. On the epochs in between, the last measured values are repeated
    in `logs`, so every epoch has the same keys: CSVLogger keeps its
    columns, EarlyStopping and ReduceLROnPlateau count patience in epochs
    (a repeated value is never an improvement), and ModelCheckpoint with
    `save_best_only` saves only after a real measurement. `self.history`
    lists the measured epochs only: dicts with `epoch` and the values.

    Cost and state: measurements run only in `on_epoch_end`, when every
    backend has the current weights in the model's variables (on JAX, Keras
    syncs its state back to the variables before the epoch-end callbacks;
    no sync is forced per batch). The encoder runs in inference mode
    (BatchNorm statistics are not updated), the training model's optimizer
    is not touched, and all randomness comes from private seeded generators
    (global numpy and Python random states are restored anyway), so a seeded
    run trains to the same weights with or without the callback.

    Args:
        encoder: `keras.Model` to measure, or None for the trained model's
            `encoder` attribute (every keras_ssl method has one), or the
            model itself if it has none.
        every_n_epochs: int. Measure every this many epochs.
    """

    def __init__(self, encoder=None, every_n_epochs=1):
        super().__init__()
        if int(every_n_epochs) != every_n_epochs or every_n_epochs < 1:
            raise ValueError(
                f"every_n_epochs must be a positive int; got {every_n_epochs!r}."
            )
        self.encoder = encoder
        self.every_n_epochs = int(every_n_epochs)
        self.history = []
        self._last_values = {}
        self._measured_this_fit = False

    def measure(self, encoder):
        """The values to log for the encoder as it is now."""
        raise NotImplementedError

    def check(self, encoder):
        """Cheap checks of the monitor's data, run when training starts."""

    def monitored_encoder(self):
        """The encoder to measure: `encoder`, `model.encoder` or the model."""
        if self.encoder is not None:
            return self.encoder
        model = self.model
        encoder = getattr(model, "encoder", None)
        return model if encoder is None else encoder

    def is_due(self, epoch):
        """Whether `epoch` (0-based) gets a fresh measurement."""
        if not self._measured_this_fit:
            return True
        last_epoch = (self.params or {}).get("epochs")
        return epoch % self.every_n_epochs == 0 or (
            last_epoch is not None and epoch == last_epoch - 1
        )

    def on_train_begin(self, logs=None):
        self._measured_this_fit = False
        self._last_values = {}
        self.check(self.monitored_encoder())

    def on_epoch_end(self, epoch, logs=None):
        if self.is_due(epoch):
            with preserved_global_random_state():
                values = self.measure(self.monitored_encoder())
            self._last_values = {name: float(value) for name, value in values.items()}
            self._measured_this_fit = True
            self.history.append({"epoch": epoch, **self._last_values})
        if logs is not None:
            logs.update(self._last_values)
