"""`ImageClassifier`: a pretrained image encoder with a softmax head."""

import keras
from keras import layers

from keras_ssl.serialization import keras_ssl_serializable
from keras_ssl.tasks.classifier import Classifier


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
    - `"finetune"` (default): encoder and head train together.
    - `"two_stage"`: the first `head_epochs` epochs of `fit` train the head
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
        head_epochs: int. Two-stage only: epochs of the head-only stage.
        encoder_learning_rate_factor: float in (0, 1]. Two-stage only: the
            second stage's learning rate relative to the compiled one.
        train_batch_norm: bool. Run the encoder in training mode while
            training (BatchNorm on batch statistics); default False.
        augmentation: a Keras layer (e.g. `keras.Sequential` of
            `keras.layers.RandomTranslation`, ...) applied to the 0-255
            images before the encoder, active only while training; None
            for none.
        dropout: float in [0, 1). Dropout on the features before the head.
        name: str. Model name.

    Labels are sparse integer class ids, shape `(N,)`; one-hot, fractional,
    string or out-of-range labels, and a label count that differs from the
    image count, raise a ValueError saying how to fix them.

    Example:
    ```python
    x_train, y_train = keras_ssl.datasets.mnist5k("train")
    classifier = keras_ssl.ImageClassifier.from_preset(
        "simclr_convnet_mnist5k", num_classes=10, mode="two_stage"
    )
    classifier.compile()
    classifier.fit(x_train, y_train, epochs=30)
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
        mode="finetune",
        head_epochs=10,
        encoder_learning_rate_factor=0.1,
        train_batch_norm=False,
        augmentation=None,
        dropout=0.0,
        name="image_classifier",
        **kwargs,
    ):
        # === Layers ===
        feature_dropout = layers.Dropout(dropout, name="feature_dropout") if dropout else None
        # Zero-initialised, as SimCLR v2's fine-tuning head: the first steps
        # do not send random gradients into the pretrained encoder.
        head = layers.Dense(
            int(num_classes),
            activation="softmax",
            kernel_initializer="zeros",
            dtype="float32",
            name="predictions",
        )

        # === Functional model ===
        image_shape = tuple(encoder.input_shape[1:])
        inputs = keras.Input(shape=image_shape, name="images")
        x = inputs if augmentation is None else augmentation(inputs)
        features = encoder(x)
        if feature_dropout is not None:
            features = feature_dropout(features)
        outputs = head(features)
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
