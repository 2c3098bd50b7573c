"""The callback through which a method learns `fit`'s epochs and steps."""

import keras


class FitBegin(keras.callbacks.Callback):
    """Calls `model.begin_fit(epochs, steps_per_epoch)` as training starts,
    `model.begin_epoch` / `model.end_epoch` around each epoch, and
    `model.begin_train_batch` before each step.

    Keras knows the steps per epoch only once it has adapted the input, so
    a method that plans by steps (e.g. BYOL's momentum schedule) hears of
    them here. `SSLModel.fit` adds it to every run.
    """

    def on_train_begin(self, logs=None):
        self.model.begin_fit(self.params.get("epochs"), self.params.get("steps"))

    def on_epoch_begin(self, epoch, logs=None):
        self.model.begin_epoch(epoch)

    def set_model(self, model):
        super().set_model(model)
        # `self.model` syncs JAX's whole state on every read: the per-step
        # hook takes the model as it is (a method syncs only when it must).
        self._unsynced_model = model

    def on_train_batch_begin(self, batch, logs=None):
        self._unsynced_model.begin_train_batch(batch)

    def on_epoch_end(self, epoch, logs=None):
        self.model.end_epoch(epoch, logs or {})
