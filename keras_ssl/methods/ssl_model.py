"""The base of every keras_ssl method: one custom train step, all backends."""

import keras
from keras import ops

from keras_ssl import keras_compat
from keras_ssl.backend import SSLTrainSteps
from keras_ssl.backend.multi_process import refuse_unsupported_strategy
from keras_ssl.io.atomic_model_saving import AtomicModelSaving
from keras_ssl.loading import load_preset_model
from keras_ssl.methods.fit_begin import FitBegin
from keras_ssl.methods.min_batch_size import check_batch_size
from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class SSLModel(SSLTrainSteps, AtomicModelSaving, keras.Model):
    """Base class of self-supervised methods, trained with plain `fit`.

    Modality-neutral: what the data looks like is the business of the
    method's inputs object (`inputs_class`, e.g. `keras_ssl.inputs.
    ImageInputs`), built from the encoder as `model.input_format`. It checks
    every input to `fit`/`evaluate`/`predict` once and standardizes each
    batch inside the step. The train and test steps (one per backend, in
    `keras_ssl.backend`) call the hooks a method overrides:

    - `compute_ssl_loss(batch, training)` (required): make the views, run
      the networks, update the method's own metrics and return the loss.
    - `after_train_step()`: runs after the optimizer step, in the traced
      step, e.g. a moving-average update of a target network.
    - `begin_fit(epochs, steps_per_epoch)`: runs as `fit` starts, once the
      steps per epoch are known (e.g. to plan a momentum schedule).
    - `begin_epoch(epoch)` / `end_epoch(epoch, logs)`: run around each
      epoch of `fit`, outside the traced step (e.g. SwAV's epoch count);
      `begin_train_batch(batch)` before each step (DeepCluster-v2's k-means).
    - `default_optimizer()`: what `compile()` uses when given none.

    A method whose loss compares the examples of a batch sets
    `min_batch_size` (e.g. 2): smaller batch sizes are refused, and a
    smaller last batch of an epoch has its loss skipped (zero loss, zero
    gradient, not counted in the logged loss). Calling the model (or
    `predict`) returns the encoder's features.

    Args:
        encoder: `keras.Model`. The network being pretrained, exposed as
            `model.encoder`; what it must take depends on `inputs_class`.
        seed: int or None. Seeds the model's `keras.random.SeedGenerator`,
            which drives every random op of the method (views, noise).
        **kwargs: passed to `keras.Model` (`name`, `dtype`, ...).

    Example:
    ```python
    @keras_ssl.methods.register_method("pull_to_one")
    class PullToOne(keras_ssl.methods.SSLModel):
        inputs_class = keras_ssl.inputs.ImageInputs

        def compute_ssl_loss(self, images, training):
            features = self.encoder(images, training=training)
            return keras.ops.mean(keras.ops.square(features - 1.0))
    ```
    """

    #: The inputs object's class (`keras_ssl.inputs`); set by each method.
    inputs_class = None

    #: Fewest examples per batch the method's loss works with.
    min_batch_size = 1

    def __init__(self, encoder, seed=None, input_format=None, **kwargs):
        refuse_unsupported_strategy(type(self).__name__)  # before any variable
        super().__init__(**kwargs)
        if input_format is None:
            if self.inputs_class is None:
                raise TypeError(
                    f"{type(self).__name__} must set the class attribute "
                    f"inputs_class (e.g. keras_ssl.inputs.ImageInputs or "
                    f"keras_ssl.inputs.TextInputs): it says what data the "
                    f"method reads."
                )
            input_format = self.inputs_class(encoder)
        self.encoder = encoder
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="seed")
        self.input_format = input_format
        self.feature_dim = input_format.feature_dim
        # Methods build every sub-network in __init__, so the model is built
        # as soon as it exists (and saves its weights even before any fit).
        self.built = True

    # --- Hooks for methods -------------------------------------------------

    def compute_ssl_loss(self, batch, training):
        """Forward pass and loss of the method; returns a scalar."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement compute_ssl_loss()."
        )

    def after_train_step(self):
        """Update run after each optimizer step (default: nothing)."""

    def begin_fit(self, epochs, steps_per_epoch):
        """Runs as `fit` starts, with its epochs and steps (default: nothing)."""

    def begin_epoch(self, epoch):
        """Runs as each epoch of `fit` starts (default: nothing)."""

    def end_epoch(self, epoch, logs):
        """Runs as each epoch of `fit` ends, with its logs (default: nothing)."""

    def begin_train_batch(self, batch):
        """Runs before each train step of `fit` with the step's index in the
        epoch (default: nothing); see `backend.sync_variables_mid_epoch`."""

    def default_optimizer(self):
        """The optimizer `compile()` uses when none is given."""
        return keras.optimizers.Adam(learning_rate=1e-3)

    def save_preset_assets(self, directory):
        """Write what the weights file cannot hold (e.g. a vocabulary) into
        `directory`, a preset's `assets/`. Nothing by default."""

    def load_preset_assets(self, directory):
        """Read back what `save_preset_assets` wrote into `directory`."""

    @property
    def image_shape(self):
        """The encoder's image shape `(H, W, C)` (image methods only)."""
        return getattr(self.input_format, "image_shape", None)

    # --- Keras API ---------------------------------------------------------

    def build(self, input_shape=None):
        # Every sub-network is built in __init__; nothing is left to create.
        self.built = True

    def __call__(self, inputs, *args, **kwargs):
        # E.g. strings for a text method: Keras layers take only tensors.
        return super().__call__(
            self.input_format.call_inputs(inputs), *args, **kwargs
        )

    def call(self, inputs, training=False):
        batch = self.input_format.standardize(inputs)
        return self.encoder(self.input_format.encoder_inputs(batch), training=training)

    def compile(self, optimizer=None, loss=None, **kwargs):
        """Configure training; `compile()` alone picks the method's defaults.

        Args:
            optimizer: optimizer or its name; the method's default if None.
            loss: not accepted: the loss is part of the method and is set by
                its constructor arguments.
            **kwargs: passed to `keras.Model.compile` (`jit_compile`,
                `steps_per_execution`, ...).
        """
        if loss is not None:
            raise ValueError(
                f"{type(self).__name__} defines its own loss; compile() takes "
                f"no loss. Set the loss through the constructor's arguments."
            )
        if optimizer is None:
            optimizer = self.default_optimizer()
        super().compile(optimizer=optimizer, **kwargs)

    def compile_from_config(self, config):
        # Keras skips this for models that override compile(); ours keeps
        # compile()'s meaning, so a reloaded model resumes with its optimizer.
        config = keras.saving.deserialize_keras_object(config)
        self.compile(**config)
        self.optimizer.build(self.trainable_variables)

    def fit(self, x=None, y=None, batch_size=None, epochs=1, **kwargs):
        check_batch_size(self, batch_size)
        validation = kwargs.pop("validation_data", None)
        x, y, kwargs = self.input_format.prepare(
            x, y, purpose="fit", batch_size=batch_size, **kwargs
        )
        check_batch_size(
            self, self.input_format.first_batch_count(x, batch_size), "first"
        )
        if validation is not None:
            validation, _, _ = self.input_format.prepare(
                validation, None, purpose="evaluate",
                batch_size=kwargs.get("validation_batch_size") or batch_size,
            )
        callbacks = list(kwargs.pop("callbacks", None) or []) + [FitBegin()]
        return super().fit(
            x, y, epochs=epochs, validation_data=validation,
            callbacks=callbacks, **kwargs,
        )

    def evaluate(self, x=None, y=None, **kwargs):
        if not keras_compat.is_validation_pass(kwargs):
            x, y, kwargs = self.input_format.prepare(x, y, "evaluate", **kwargs)
        return super().evaluate(x, y, **kwargs)

    def predict(self, x, **kwargs):
        x, _, kwargs = self.input_format.prepare(x, None, "predict", **kwargs)
        return super().predict(x, **kwargs)

    # --- Used by the backend steps -----------------------------------------

    def _has_enough_examples(self, data):
        # Reads only the batch's shape: no second standardization per step.
        count = self.input_format.batch_count(data)
        return count, count >= self.min_batch_size

    def ssl_step_loss(self, data, training):
        """The float32 loss of one batch, regularization losses included;
        zero for a batch smaller than `min_batch_size`."""
        batch = self.input_format.standardize(data)
        loss = ops.cast(self.compute_ssl_loss(batch, training=training), "float32")
        if self.losses:
            loss = loss + ops.cast(ops.sum(self.losses), "float32")
        if self.min_batch_size > 1:
            _, enough = self._has_enough_examples(data)
            loss = ops.where(enough, loss, ops.zeros_like(loss))
        return loss

    def ssl_step_logs(self, loss, data):
        """Record the loss and return the logs of all metrics."""
        count, enough = self._has_enough_examples(data)
        weight = ops.where(enough, ops.cast(count, "float32"), 0.0)
        keras_compat.loss_tracker(self).update_state(loss, sample_weight=weight)
        return self.get_metrics_result()

    # --- Presets and saving ------------------------------------------------

    @classmethod
    def from_preset(cls, preset):
        """Load a pretrained model of this method, ready to keep training.

        The weights' sha256 is checked against the preset's metadata before
        use. The model comes back compiled with the method's defaults (the
        preset holds no optimizer state); call `compile(...)` again to
        choose another optimizer. `SSLModel.from_preset` loads any method;
        a subclass refuses a preset of another method.

        Args:
            preset: str. A shipped preset's name (`keras_ssl.list_presets()`),
                a preset directory, or an http(s) URL of a `.tar.gz`/`.zip`
                archive of one, optionally pinned with `#sha256=<hex>`.

        Example:
        ```python
        model = keras_ssl.BYOL.from_preset("byol_convnet_mnist5k")
        model.fit(more_images, epochs=5)
        ```
        """
        return load_preset_model(preset, cls)

    # Keras saves no SeedGenerator state; the model's own is saved with its
    # weights, so a reloaded model (or BackupAndRestore) draws the same views
    # and noise as one that never stopped.
    _SEED_STATE_KEY = "seed_generator_state"

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store[self._SEED_STATE_KEY] = self.seed_generator.state

    def load_own_variables(self, store):
        own = keras_compat.own_variables(self)
        has_seed = self._SEED_STATE_KEY in store.keys()
        if len(store.keys()) - has_seed != len(own):
            raise ValueError(
                f"{self.name} has {len(own)} variables of its own but the file "
                f"holds {len(store.keys()) - has_seed}: it was saved from a "
                f"differently configured model."
            )
        for index, variable in enumerate(own):
            variable.assign(store[f"{index}"])
        if has_seed:
            self.seed_generator.state.assign(store[self._SEED_STATE_KEY])

    # --- Serialization -----------------------------------------------------

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "encoder": keras.layers.serialize(self.encoder),
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["encoder"] = keras.layers.deserialize(config["encoder"])
        return cls(**config)
