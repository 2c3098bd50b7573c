"""The classifier task shared by every modality: an encoder plus a head.

`ImageClassifier` (and a later `TextClassifier`) build the functional graph
`inputs -> encoder -> head`; this base owns everything else: the training
modes, the `compile()` defaults, label checks in `fit`, the two-stage
recipe, `from_preset` and the config.
"""

import keras

from keras_ssl.data.tf_datasets import is_tf_dataset
from keras_ssl.io.atomic_model_saving import AtomicModelSaving
from keras_ssl.tasks.encoder_training import batch_norm_layers
from keras_ssl.tasks.encoder_training import encoder_features
from keras_ssl.tasks.encoder_training import scaled_optimizer
from keras_ssl.tasks.label_checks import check_label_spec
from keras_ssl.tasks.label_checks import check_sparse_labels
from keras_ssl.tasks.two_stage import fit_two_stage

#: The training modes of a classifier.
MODES = ("probe", "finetune", "two_stage")

#: Adam's learning rate when `compile()` picks the optimizer, by mode: the
#: probe (and two_stage's head stage) trains a linear head on standardized
#: features, as `linear_probe` does at 1e-2; fine-tuning the encoder needs
#: 1e-3 (3e-4 lost 5 points on mnist5k, 10 labels per class).
DEFAULT_LEARNING_RATES = {"probe": 1e-2, "finetune": 1e-3, "two_stage": 1e-2}

#: Name of the layer that standardizes the features before the head.
STANDARDIZATION_NAME = "feature_standardization"


class Classifier(AtomicModelSaving, keras.Model):
    """Base of keras_ssl's classifiers: a pretrained encoder and a head.

    Subclasses build the layers and the functional wiring and pass
    `inputs`, `outputs` and the common arguments here. See
    `keras_ssl.ImageClassifier` for the arguments and the modes.

    Example:
    ```python
    class TextClassifier(Classifier):
        def __init__(self, encoder, num_classes, **kwargs):
            inputs = keras.Input(shape=(), dtype="string")
            outputs = keras.layers.Dense(num_classes, activation="softmax")(
                encoder(inputs)
            )
            super().__init__(inputs, outputs, encoder, num_classes, **kwargs)
    ```
    """

    def __init__(
        self,
        inputs,
        outputs,
        encoder,
        num_classes,
        mode="finetune",
        head_epochs=None,
        encoder_learning_rate_factor=0.1,
        train_batch_norm=False,
        dropout=0.0,
        standardize_features=True,
        **kwargs,
    ):
        check_arguments(num_classes, mode, head_epochs, encoder_learning_rate_factor)
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        # === Config ===
        self.encoder = encoder
        self.num_classes = int(num_classes)
        self.mode = mode
        self.head_epochs = None if head_epochs is None else int(head_epochs)
        self.encoder_learning_rate_factor = float(encoder_learning_rate_factor)
        self.train_batch_norm = bool(train_batch_norm)
        self.dropout = float(dropout)
        self.standardize_features = bool(standardize_features)
        self._compile_arguments = None
        # probe and the first stage of two_stage train the head alone.
        self.set_encoder_trainable(mode == "finetune")

    def set_encoder_trainable(self, trainable):
        """Freeze or unfreeze the encoder; its BatchNorm layers stay frozen
        (inference mode, pretrained statistics) unless `train_batch_norm`.

        Keras runs a BatchNormalization layer with `trainable=False` in
        inference mode; passing `training=False` to the encoder inside a
        functional model would not do (`fit`'s `training=True` overrides it).
        """
        self.encoder.trainable = trainable
        if trainable and not self.train_batch_norm:
            for layer in batch_norm_layers(self.encoder):
                layer.trainable = False

    # --- compile and fit ---------------------------------------------------

    def compile(self, optimizer="auto", loss="auto", metrics="auto", **kwargs):
        """`keras.Model.compile` with defaults: Adam (learning rate 1e-2 for
        `"probe"` and `"two_stage"` (its head stage; the encoder stage runs at
        `encoder_learning_rate_factor` times that), 1e-3 for `"finetune"`),
        sparse categorical cross-entropy on the predicted probabilities,
        and `accuracy`. Any argument may be given as in Keras."""
        self._compile_arguments = dict(
            optimizer=optimizer, loss=loss, metrics=metrics, **kwargs
        )
        super().compile(**self._stage_compile_arguments(learning_rate_factor=None))

    def get_compile_config(self):
        # The arguments compile() was given, not a stage's optimizer copy.
        if self._compile_arguments is None:
            return None
        return keras.saving.serialize_keras_object(self._compile_arguments)

    def compile_from_config(self, config):
        # Keras skips this for models that override compile(); ours keeps
        # compile()'s meaning, so a reloaded classifier is ready to fit.
        self.compile(**keras.saving.deserialize_keras_object(config))
        # Build it as the saved one was (two_stage: the last stage trained
        # the encoder too), so its variables load.
        self.set_encoder_trainable(self.mode != "probe")
        self.optimizer.build(self.trainable_variables)
        self.set_encoder_trainable(self.mode == "finetune")

    def _stage_compile_arguments(self, learning_rate_factor):
        arguments = dict(self._compile_arguments)
        optimizer = arguments["optimizer"]
        if optimizer == "auto":
            optimizer = keras.optimizers.Adam(DEFAULT_LEARNING_RATES[self.mode])
        optimizer = keras.optimizers.get(optimizer)
        if learning_rate_factor is not None:
            optimizer = scaled_optimizer(optimizer, learning_rate_factor)
        arguments["optimizer"] = optimizer
        if arguments["loss"] == "auto":
            arguments["loss"] = keras.losses.SparseCategoricalCrossentropy()
        if arguments["metrics"] == "auto":
            arguments["metrics"] = [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
        return arguments

    def adapt(self, x, batch_size=256):
        """Set the feature standardization from the encoder's features of
        the images `x` (inference mode, no augmentation).

        `fit` calls this on its training images the first time (when
        `standardize_features`); call it yourself to use other images, e.g.
        the unlabeled set. `x`: images `(N, H, W, C)` (0-255), a
        `tf.data.Dataset` of images or `(images, labels, ...)` batches, or a
        `keras.utils.PyDataset` of such batches.
        """
        layer = self._standardization_layer()
        if layer is None:
            raise ValueError(
                "This classifier was built with standardize_features=False; "
                "it has no feature statistics to adapt."
            )
        layer.adapt(encoder_features(self.encoder, x, batch_size))

    def _standardization_layer(self):
        if not self.standardize_features:
            return None
        return self.get_layer(STANDARDIZATION_NAME)

    def fit(self, x=None, y=None, epochs=1, validation_data=None, **kwargs):
        """`keras.Model.fit`, with labels checked first.

        In `"two_stage"` mode the first `head_epochs` of `epochs` (None: a
        fifth of them, at least 1) train the head on the frozen encoder (with
        the compiled optimizer); a fit no longer than that trains the head
        only (with a warning when `head_epochs` was set). Then the
        encoder is unfrozen and the model recompiled with a fresh copy of
        the optimizer at `encoder_learning_rate_factor` times its learning
        rate for the remaining epochs. Callbacks see two trainings; the
        returned `History` holds every epoch.

        With `standardize_features`, the first `fit` first sets the feature
        statistics from its training images `x` (see `adapt`).
        """
        y = self._checked_labels(x, y, "labels")
        layer = self._standardization_layer()
        if layer is not None and not layer.adapted and x is not None:
            self.adapt(x)
        if isinstance(validation_data, (tuple, list)) and len(validation_data) >= 2:
            validation_data = (
                validation_data[0],
                self._checked_labels(*validation_data[:2], "validation labels"),
                *validation_data[2:],
            )
        elif validation_data is not None:
            self._checked_labels(validation_data, None, "validation labels")
        if self.mode != "two_stage":
            return super().fit(x, y, epochs=epochs, validation_data=validation_data, **kwargs)
        return fit_two_stage(
            self, super().fit, super().compile, x, y, epochs, validation_data, **kwargs
        )

    def _checked_labels(self, x, y, name):
        if y is not None:
            count = len(x) if hasattr(x, "__len__") and not isinstance(x, dict) else None
            return check_sparse_labels(y, self.num_classes, count, name)
        if is_tf_dataset(x):
            spec = x.element_spec
            if not isinstance(spec, (tuple, list)) or len(spec) < 2:
                raise ValueError(
                    f"The dataset yields {spec}, without labels; a classifier "
                    f"trains on (images, labels) batches (e.g. "
                    f"keras_ssl.datasets.from_directory(..., labels='inferred'))."
                )
            check_label_spec(spec[1], self.num_classes)
            return None
        if x is not None and not isinstance(x, keras.utils.PyDataset):
            raise ValueError(
                f"{name}: a classifier needs labels; pass fit(images, labels)."
            )
        return None

    # --- presets and config --------------------------------------------------

    @classmethod
    def from_preset(cls, preset, num_classes, **kwargs):
        """A classifier on the pretrained encoder of an SSL preset.

        Args:
            preset: str. A shipped preset's name (`keras_ssl.list_presets()`),
                a preset directory or an http(s) URL (see
                `keras_ssl.load_encoder`).
            num_classes: int. Classes of the new head.
            **kwargs: the classifier's other arguments (`mode`, ...).

        Example:
        ```python
        classifier = keras_ssl.ImageClassifier.from_preset(
            "simclr_convnet_mnist5k", num_classes=10, mode="two_stage"
        )
        ```
        """
        from keras_ssl.loading import load_encoder

        return cls(encoder=load_encoder(preset), num_classes=num_classes, **kwargs)

    def get_config(self):
        encoder = keras.layers.serialize(self.encoder)
        if "trainable" in encoder.get("config", {}):
            # The state the constructor sets, whichever stage fit ended in.
            encoder["config"]["trainable"] = self.mode == "finetune"
        return {
            "name": self.name,
            "encoder": encoder,
            "num_classes": self.num_classes,
            "mode": self.mode,
            "head_epochs": self.head_epochs,
            "encoder_learning_rate_factor": self.encoder_learning_rate_factor,
            "train_batch_norm": self.train_batch_norm,
            "dropout": self.dropout,
            "standardize_features": self.standardize_features,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["encoder"] = keras.layers.deserialize(config["encoder"])
        return cls(**config)


def classifier_head(features, num_classes, dropout, standardize_features):
    """Class probabilities from encoder features: the head every
    classifier shares (optional `FeatureStandardization`, optional dropout,
    then a softmax `Dense` named "predictions", zero-initialised as SimCLR
    v2's fine-tuning head, so the first steps send no random gradients into
    the pretrained encoder; float32 under mixed precision)."""
    from keras_ssl.tasks.feature_standardization import FeatureStandardization

    if standardize_features:
        features = FeatureStandardization(name=STANDARDIZATION_NAME)(features)
    if dropout:
        features = keras.layers.Dropout(dropout, name="feature_dropout")(features)
    return keras.layers.Dense(
        int(num_classes), activation="softmax", kernel_initializer="zeros",
        dtype="float32", name="predictions",
    )(features)


def check_arguments(num_classes, mode, head_epochs, encoder_learning_rate_factor):
    """Raise a ValueError naming a bad classifier argument."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}; got {mode!r}.")
    if isinstance(num_classes, bool) or int(num_classes) != num_classes or num_classes < 2:
        raise ValueError(f"num_classes must be an int >= 2; got {num_classes!r}.")
    if head_epochs is not None and (int(head_epochs) != head_epochs or head_epochs < 1):
        raise ValueError(
            f"head_epochs must be a positive int, or None for a fifth of fit's "
            f"epochs; got {head_epochs!r}."
        )
    if not 0 < encoder_learning_rate_factor <= 1:
        raise ValueError(
            f"encoder_learning_rate_factor must be in (0, 1]; got "
            f"{encoder_learning_rate_factor!r}."
        )
