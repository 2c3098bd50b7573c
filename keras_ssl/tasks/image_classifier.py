"""`ImageClassifier`: a pretrained image encoder with a softmax head."""

import keras
from keras import layers

from keras_ssl.serialization import keras_ssl_serializable
from keras_ssl.tasks.classifier import Classifier
from keras_ssl.tasks.classifier import classifier_head


#: The augmentation names `ImageClassifier(augmentation=...)` accepts.
AUGMENTATIONS = ("auto", "light", "none")


def light_augmentation(seed=None, name="light_augmentation"):
    """Small shifts, rotations and zooms, for fine-tuning on few labels.

    `RandomTranslation(0.1, 0.1)`, `RandomRotation(0.05)` (about 18
    degrees) and `RandomZoom(0.1)`; active only while training, value-range
    agnostic (0-255 pixels stay 0-255), no flips (digits and text are not
    mirror-symmetric). Draws come from `seed` (an int: the same draws on
    every call of a new instance), or from Keras's global seed
    (`keras.utils.set_random_seed`) when None.
    """
    seeds = [None] * 3 if seed is None else [seed, seed + 1, seed + 2]
    return keras.Sequential(
        [
            layers.RandomTranslation(0.1, 0.1, seed=seeds[0]),
            layers.RandomRotation(0.05, seed=seeds[1]),
            layers.RandomZoom(0.1, seed=seeds[2]),
        ],
        name=name,
    )


def resolve_standardization(standardize_features, train_batch_norm):
    """`"auto"` -> standardize the head's features unless BatchNorm trains."""
    if standardize_features != "auto":
        raise ValueError(
            f"standardize_features must be True, False or 'auto'; got "
            f"{standardize_features!r}."
        )
    return not train_batch_norm


def resolve_augmentation(augmentation, mode, seed=None):
    """The layer (or None) an augmentation name stands for."""
    if augmentation not in AUGMENTATIONS:
        raise ValueError(
            f"augmentation must be a Keras layer, None or one of "
            f"{AUGMENTATIONS}; got {augmentation!r}."
        )
    if augmentation == "light" or (augmentation == "auto" and mode != "probe"):
        return light_augmentation(seed)
    return None


@keras_ssl_serializable
class ImageClassifier(Classifier):
    """An image encoder (e.g. from an SSL preset) and a linear softmax head.

    The task of "pre-train, then fine-tune on a few labels". Images are
    pixels 0-255, uint8 or float (as `keras.applications` and
    `keras.utils.image_dataset_from_directory` give them); the encoder does
    its own scaling. `predict` returns class probabilities.

    Modes:
    - `"probe"`: the encoder is frozen, only the head trains (a linear probe
      trained end to end with `fit`).
    - `"finetune"`: encoder and head train together.
    - `"two_stage"` (default): the first `head_epochs` epochs of `fit` (a
      fifth of them by default) train the head
      on the frozen encoder, then the whole model trains with the learning
      rate times `encoder_learning_rate_factor` (a fresh optimizer), as in
      the Keras transfer-learning guide and "Fine-Tuning can Distort
      Pretrained Features" (Kumar et al. 2022,
      https://arxiv.org/abs/2202.10054): a random head does not push large
      gradients into the pretrained encoder.

    BatchNorm: by default (`train_batch_norm=False`) the encoder's
    BatchNorm layers are frozen in every mode: they run in inference mode on
    the pretrained moving statistics, which are never updated, and their
    scale and offset do not train (every other encoder weight does when
    fine-tuning). With a few labels per
    class, batches are small and unrepresentative, so batch statistics are
    noisy and overwrite statistics estimated on the whole pretraining set;
    SimCLR v2 (Chen et al. 2020, https://arxiv.org/abs/2006.10029)
    fine-tunes on 1% and 10% of ImageNet from pretrained weights, and the
    Keras transfer-learning guide keeps BatchNorm in inference mode when
    fine-tuning for this reason. Pass `train_batch_norm=True` to train
    BatchNorm on batch statistics (e.g. with many labels, or from scratch).

    Args:
        encoder: `keras.Model` mapping images `(N, H, W, C)` to vectors
            `(N, D)` (e.g. `keras_ssl.load_encoder(...)` or `model.encoder`).
        num_classes: int >= 2. Classes; labels are ids `0..num_classes-1`.
        mode: `"probe"`, `"finetune"` or `"two_stage"` (see above).
        head_epochs: int or None. Two-stage only: epochs of the head-only
            stage; None (default): a fifth of `fit`'s epochs, at least 1.
        encoder_learning_rate_factor: float in (0, 1]. Two-stage only: the
            second stage's learning rate relative to the compiled one.
        train_batch_norm: bool. Run the encoder in training mode while
            training (BatchNorm on batch statistics); default False.
        augmentation: a Keras layer (e.g. `keras.Sequential` of
            `keras.layers.RandomTranslation`, ...) applied to the 0-255
            images before the encoder, active only while training; None or
            `"none"` for none; `"light"` for `light_augmentation()`; `"auto"`
            (default): `"light"` for `"finetune"` and `"two_stage"`, none for
            `"probe"` (so the probe matches `linear_probe`).
        dropout: float in [0, 1). Dropout on the features before the head.
        standardize_features: bool or `"auto"`. Put a
            `FeatureStandardization` before the head, set by the first `fit`
            from the encoder's features of its training images (see
            `adapt`), as `linear_probe` does. `"auto"` (default): True
            unless `train_batch_norm`. The statistics are measured in
            inference mode; with BatchNorm on batch statistics the training
            features have another scale (a random-init ConvNet's inference
            features have per-unit std down to 3e-6, so standardizing them
            multiplies the trained features by up to 1e5): from scratch on
            600 Fashion-MNIST labels, 20 epochs, 52.1% with it (loss 264)
            against 63.0% without.
        name: str. Model name.

    Defaults, measured on mnist5k (SimCLR preset `simclr_convnet_mnist5k`,
    10 labels per class, test split). As a user calls it (`from_preset`,
    `compile()`, `fit(x, y, epochs=50, batch_size=32)`, mean ± std over
    label draws 0-4, `python examples/classifier_defaults.py
    simclr_convnet_mnist5k --labels-per-class 10 --draws 5 --configs
    defaults probe finetune`, 893 s on 2 shared CPU cores): the default
    two-stage recipe 91.8 ± 1.2%, `mode="probe"` 88.0 ± 1.9%,
    `mode="finetune"` 90.3 ± 1.1%. Earlier single-draw checks
    (`keras_ssl.evaluation.fine_tune`, draw 0): without feature
    standardization the probe mode scored 75-76% against 89.4% for
    `linear_probe`, with it the same 89.4%; fine-tuning went from 87.6%
    without augmentation to 91.4% with light augmentation; Adam 3e-4 lost
    5 points to 1e-3. The same ConvNet from random weights
    (`train_batch_norm=True`, then with standardized features) gave
    77.3% / 71.7% on draws 0 / 1.

    Labels are sparse integer class ids, shape `(N,)`; one-hot, fractional,
    string or out-of-range labels, and a label count that differs from the
    image count, raise a ValueError saying how to fix them.

    Example:
    ```python
    x_train, y_train = keras_ssl.datasets.mnist5k("train")
    classifier = keras_ssl.ImageClassifier.from_preset(
        "simclr_convnet_mnist5k", num_classes=10
    )
    classifier.compile()
    classifier.fit(x_train, y_train, epochs=50)  # head 10 epochs, then all 40
    probabilities = classifier.predict(x_train[:8])  # (8, 10)

    # A random-init encoder, trained from scratch:
    scratch = keras_ssl.ImageClassifier(
        encoder=keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)),
        num_classes=10, train_batch_norm=True,
    )
    ```
    """

    def __init__(
        self,
        encoder,
        num_classes,
        mode="two_stage",
        head_epochs=None,
        encoder_learning_rate_factor=0.1,
        train_batch_norm=False,
        augmentation="auto",
        dropout=0.0,
        standardize_features="auto",
        name="image_classifier",
        **kwargs,
    ):
        # === Layers ===
        if isinstance(standardize_features, str):
            standardize_features = resolve_standardization(standardize_features, train_batch_norm)
        if isinstance(augmentation, str):
            augmentation = resolve_augmentation(augmentation, mode)

        # === Functional model ===
        image_shape = tuple(encoder.input_shape[1:])
        inputs = keras.Input(shape=image_shape, name="images")
        x = inputs if augmentation is None else augmentation(inputs)
        outputs = classifier_head(encoder(x), num_classes, dropout, standardize_features)
        super().__init__(
            inputs,
            outputs,
            encoder,
            num_classes,
            mode=mode,
            head_epochs=head_epochs,
            encoder_learning_rate_factor=encoder_learning_rate_factor,
            train_batch_norm=train_batch_norm,
            dropout=dropout,
            standardize_features=standardize_features,
            name=name,
            **kwargs,
        )

        # === Config ===
        self.augmentation = augmentation
        self.image_shape = image_shape

    def get_config(self):
        config = super().get_config()
        config["augmentation"] = (
            None if self.augmentation is None else keras.layers.serialize(self.augmentation)
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if config.get("augmentation") is not None:
            config["augmentation"] = keras.layers.deserialize(config["augmentation"])
        return super().from_config(config)
