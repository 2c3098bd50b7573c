"""`TextClassifier`: a pretrained text encoder with a softmax head."""

import keras
import numpy as np

from keras_ssl.data import text_checks
from keras_ssl.data import text_pipeline
from keras_ssl.data.tf_datasets import is_tf_dataset
from keras_ssl.serialization import keras_ssl_serializable
from keras_ssl.tasks.classifier import Classifier
from keras_ssl.tasks.classifier import classifier_head


@keras_ssl_serializable
class TextClassifier(Classifier):
    """A text encoder (e.g. from a SimCSE or masked-LM preset) and a linear
    softmax head: the text sibling of `keras_ssl.ImageClassifier`.

    Takes raw strings (a list or 1-D array) or token ids `(N, L)` in `fit`,
    `evaluate`, `predict` and `__call__`, and batched `tf.data.Dataset`s of
    `(strings, labels)`; strings are tokenized with the encoder's tokenizer
    and packed to its `sequence_length` (longer texts are truncated). The
    network itself runs on token ids, so it jit-compiles on every backend.
    `predict` returns class probabilities.

    Modes, as `ImageClassifier`'s: `"probe"` (frozen encoder, head only),
    `"finetune"` (default: everything trains; the encoder's dropout is on
    while training) and `"two_stage"` (`head_epochs` of head only, then
    everything at `encoder_learning_rate_factor` times the learning rate).
    With `standardize_features` the head reads standardized features, set by
    the first `fit` from its training texts (see `adapt`).

    Labels are sparse class ids `(N,)`; one-hot, fractional, string or
    out-of-range labels, and a label count that differs from the text count,
    raise a ValueError saying how to fix them.

    Reference: https://arxiv.org/abs/1810.04805 (BERT's fine-tuning)

    Args:
        encoder: text encoder with a `tokenizer` and a `sequence_length`
            (`keras_ssl.encoders.TextTransformer`, `HubTextEncoder`, or
            `keras_ssl.load_encoder(...)` of a text preset).
        num_classes: int >= 2.
        mode: `"probe"`, `"finetune"` or `"two_stage"`.
        head_epochs: int. Two-stage only: epochs of the head-only stage.
        encoder_learning_rate_factor: float in (0, 1]. Two-stage only.
        dropout: float in [0, 1). Dropout on the features before the head.
        standardize_features: bool. A `FeatureStandardization` before the
            head (default True).
        name: str. Model name.

    Example:
    ```python
    (x_train, y_train), (x_test, y_test), names = (
        keras_ssl.datasets.fortunes_topics()
    )
    classifier = keras_ssl.TextClassifier.from_preset(
        "simcse_transformer_fortunes", num_classes=len(names), mode="finetune"
    )
    classifier.compile()
    classifier.fit(x_train, y_train, epochs=5, batch_size=32)
    probabilities = classifier.predict(x_test[:8])  # (8, 6)
    ```
    """

    def __init__(
        self,
        encoder,
        num_classes,
        mode="finetune",
        head_epochs=10,
        encoder_learning_rate_factor=0.1,
        dropout=0.0,
        standardize_features=True,
        name="text_classifier",
        **kwargs,
    ):
        for attribute in ("tokenizer", "sequence_length"):
            if not hasattr(encoder, attribute):
                raise ValueError(
                    f"TextClassifier needs a text encoder with a {attribute} "
                    f"(e.g. keras_ssl.encoders.TextTransformer or "
                    f"keras_ssl.load_encoder('mlm_tiny_shakespeare')); got "
                    f"{type(encoder).__name__}. For images use ImageClassifier."
                )
        kwargs.pop("train_batch_norm", None)  # text encoders use LayerNorm
        # === Functional model ===
        inputs = keras.Input(shape=(None,), dtype="int32", name="token_ids")
        outputs = classifier_head(encoder(inputs), num_classes, dropout, standardize_features)
        super().__init__(
            inputs, outputs, encoder, num_classes, mode=mode,
            head_epochs=head_epochs,
            encoder_learning_rate_factor=encoder_learning_rate_factor,
            train_batch_norm=False, dropout=dropout,
            standardize_features=standardize_features, name=name, **kwargs,
        )

    # --- Strings in ----------------------------------------------------------

    def token_ids(self, x):
        """Strings -> token ids `(N, L)`; token ids, labeled `tf.data`
        datasets (their strings mapped to ids) and `PyDataset`s pass."""
        if x is None or isinstance(x, keras.utils.PyDataset):
            return x
        if is_tf_dataset(x):
            return _tokenized_dataset(x, self.encoder)
        if isinstance(x, str) or text_checks.is_text_input(x):
            if isinstance(x, str):
                raise ValueError(
                    "TextClassifier takes a list of texts, not one string or "
                    "a file path; pass e.g. [text]."
                )
            return self.encoder.tokenize(list(np.asarray(x, dtype=object)))
        array = np.asarray(x) if isinstance(x, (list, tuple)) else x
        dtype = getattr(array, "dtype", None)
        if dtype is None or getattr(dtype, "kind", "i") not in "iu" or len(array.shape) != 2:
            raise ValueError(
                f"TextClassifier takes a list of strings (or token ids of "
                f"shape (N, L)); got {type(x).__name__}"
                f"{'' if dtype is None else f' of dtype {dtype}'}. Every text "
                f"must be a str."
            )
        return array

    def __call__(self, inputs, *args, **kwargs):
        return super().__call__(self.token_ids(inputs), *args, **kwargs)

    def fit(self, x=None, y=None, epochs=1, validation_data=None, **kwargs):
        if isinstance(validation_data, (tuple, list)) and validation_data:
            validation_data = (self.token_ids(validation_data[0]), *validation_data[1:])
        elif validation_data is not None:
            validation_data = self.token_ids(validation_data)
        return super().fit(
            self.token_ids(x), y, epochs=epochs, validation_data=validation_data,
            **kwargs,
        )

    def evaluate(self, x=None, y=None, **kwargs):
        if y is not None:
            y = self._checked_labels(x, y, "labels")
        return super().evaluate(self.token_ids(x), y, **kwargs)

    def predict(self, x, **kwargs):
        return super().predict(self.token_ids(x), **kwargs)

    def adapt(self, x, batch_size=256):
        """Set the feature standardization from the encoder's features of
        the texts `x` (a list of strings, token ids or a labeled dataset),
        in inference mode; `fit` calls it on its training texts."""
        if self._standardization_layer() is None:
            return super().adapt(x, batch_size)
        x = self.token_ids(x)
        if is_tf_dataset(x):
            x = x.map(lambda ids, *rest: ids)
            features = self.encoder.predict(x, verbose=0)
        else:
            features = self.encoder.predict(x, batch_size=batch_size, verbose=0)
        self._standardization_layer().adapt(np.asarray(features))


def _tokenized_dataset(dataset, encoder):
    """A batched dataset of `(strings, labels, ...)` with ids for strings."""
    import tensorflow as tf

    spec = dataset.element_spec
    first = spec[0] if isinstance(spec, (tuple, list)) else spec
    if getattr(first, "dtype", None) != tf.string:
        return dataset
    if len(first.shape) != 1:
        raise ValueError(
            f"TextClassifier takes a batched dataset of (strings, labels); "
            f"its texts have shape {first.shape}. Call .batch(n) on it."
        )
    pack = text_pipeline.pack_function(encoder.tokenizer, encoder.sequence_length)
    if isinstance(spec, (tuple, list)):
        return dataset.map(lambda texts, *rest: (pack(texts), *rest))
    return dataset.map(pack)
