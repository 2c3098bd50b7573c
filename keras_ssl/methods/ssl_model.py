"""The base of every keras_ssl method: one custom train step, all backends."""

import keras
from keras import ops

from keras_ssl.backend import SSLTrainSteps
from keras_ssl.data import image_batch
from keras_ssl.data import image_checks
from keras_ssl.encoders.encoder_checks import image_encoder_shape
from keras_ssl.io.atomic_write import atomic_file
from keras_ssl.io.atomic_write import can_write_atomically
from keras_ssl.loading import load_preset_model
from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class SSLModel(SSLTrainSteps, keras.Model):
    """Base class of self-supervised methods, trained with plain `fit`.

    The train and test steps (one per backend, in `keras_ssl.backend`) call
    three hooks that a method overrides:

    - `compute_ssl_loss(images, training)` (required): make the views, run
      the networks, update the method's own metrics and return the loss.
    - `after_train_step()`: runs after the optimizer step, in the traced
      step, e.g. a moving-average update of a target network.
    - `default_optimizer()`: what `compile()` uses when given none.

    Inputs are checked once before `fit`/`evaluate`/`predict` (clear errors
    for wrong rank, channels, NaN, empty or string input) and standardized
    inside the step (uint8 -> float in [0, 1], channel axis, tfds dicts), so
    numpy arrays, `tf.data` datasets, tfds dicts and `PyDataset`s all work.
    Calling the model (or `predict`) returns the encoder's features.

    Args:
        encoder: `keras.Model`. Maps images `(N, H, W, C)` to vectors
            `(N, D)`; exposed as `model.encoder`.
        seed: int or None. Seeds the model's `keras.random.SeedGenerator`,
            which drives every random op of the method (views, noise).
        **kwargs: passed to `keras.Model` (`name`, `dtype`, ...).

    Example:
    ```python
    class MyMethod(keras_ssl.methods.SSLModel):
        def compute_ssl_loss(self, images, training):
            features = self.encoder(images, training=training)
            return keras.ops.mean(keras.ops.square(features))
    ```
    """

    def __init__(self, encoder, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="seed")
        self.check_encoder()
        # Methods build every sub-network in __init__, so the model is built
        # as soon as it exists (and saves its weights even before any fit).
        self.built = True

    # --- Hooks for methods -------------------------------------------------

    def compute_ssl_loss(self, images, training):
        """Forward pass and loss of the method; returns a scalar."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement compute_ssl_loss()."
        )

    def after_train_step(self):
        """Update run after each optimizer step (default: nothing)."""

    def default_optimizer(self):
        """The optimizer `compile()` uses when none is given."""
        return keras.optimizers.Adam(learning_rate=1e-3)

    def save_preset_assets(self, directory):
        """Write what the weights file cannot hold (e.g. a vocabulary) into
        `directory`, a preset's `assets/`. Nothing by default."""

    def load_preset_assets(self, directory):
        """Read back what `save_preset_assets` wrote into `directory`."""

    def check_encoder(self):
        """Check the encoder on construction (images -> vectors by default)."""
        self.image_shape, self.feature_dim = image_encoder_shape(self.encoder)

    def prepare_inputs(self, x):
        """Check an input to `fit`/`evaluate`/`predict` once, before the run."""
        return image_checks.prepare_images(x, self.image_shape)

    def standardize_batch(self, data):
        """Turn one batch into what the encoder takes, inside the step."""
        return image_batch.standardize_batch(data)

    # --- Keras API ---------------------------------------------------------

    def build(self, input_shape=None):
        # Every sub-network is built in __init__; nothing is left to create.
        self.built = True

    def call(self, inputs, training=False):
        return self.encoder(self.standardize_batch(inputs), training=training)

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

    def fit(self, x=None, y=None, validation_data=None, **kwargs):
        if not isinstance(x, (list, tuple, dict)) and not hasattr(x, "__array__"):
            # Datasets carry their own order; Keras would warn that the
            # default shuffle=True is ignored.
            kwargs.setdefault("shuffle", False)
        x = self.prepare_inputs(x)
        validation_data = self.prepare_inputs(validation_data)
        return super().fit(x, y, validation_data=validation_data, **kwargs)

    def evaluate(self, x=None, y=None, **kwargs):
        if not kwargs.get("_use_cached_eval_dataset"):
            x = self.prepare_inputs(x)
        return super().evaluate(x, y, **kwargs)

    def predict(self, x, **kwargs):
        return super().predict(self.prepare_inputs(x), **kwargs)

    # --- Used by the backend steps -----------------------------------------

    def ssl_step_loss(self, data, training):
        """The float32 loss of one batch, regularization losses included."""
        images = self.standardize_batch(data)
        loss = ops.cast(self.compute_ssl_loss(images, training=training), "float32")
        if self.losses:
            loss = loss + ops.cast(ops.sum(self.losses), "float32")
        return loss

    def ssl_step_logs(self, loss, data):
        """Record the loss and return the logs of all metrics."""
        batch = image_batch.select_images(data)
        self._loss_tracker.update_state(loss, sample_weight=ops.shape(batch)[0])
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

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """`keras.Model.save`, written to a temporary file beside `filepath`
        then renamed onto it: a save that fails or is interrupted (e.g. in
        `ModelCheckpoint`) leaves the previous file intact."""
        if zipped is False or not can_write_atomically(
            filepath, overwrite, (".keras", ".h5", ".hdf5")
        ):
            return super().save(filepath, overwrite=overwrite, zipped=zipped, **kwargs)
        with atomic_file(filepath) as temporary:
            return super().save(temporary, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """`keras.Model.save_weights`, atomically like `save` (e.g. for
        `BackupAndRestore`); sharded saves are left to Keras."""
        if max_shard_size is not None or not can_write_atomically(
            filepath, overwrite, (".weights.h5",)
        ):
            return super().save_weights(
                filepath, overwrite=overwrite, max_shard_size=max_shard_size
            )
        with atomic_file(filepath) as temporary:
            return super().save_weights(temporary)

    # --- Serialization -----------------------------------------------------

    # Keras saves no SeedGenerator state; the model's own is saved with its
    # weights, so a reloaded model (or BackupAndRestore) draws the same views
    # and noise as one that never stopped.
    _SEED_STATE_KEY = "seed_generator_state"

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store[self._SEED_STATE_KEY] = self.seed_generator.state

    def load_own_variables(self, store):
        own = self._trainable_variables + self._non_trainable_variables
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
