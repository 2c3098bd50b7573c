"""Text inputs: raw strings in, batches of token ids to the step."""

import keras

from keras_ssl.data import text_batch
from keras_ssl.data import text_checks
from keras_ssl.data import text_pipeline
from keras_ssl.data.tf_datasets import is_tf_dataset
from keras_ssl.inputs.base_inputs import Inputs


class TextInputs(Inputs):
    """The inputs of text methods: strings are tokenized in `tf.data`.

    Accepts a list (or 1-D array) of strings, a path to a UTF-8 text file
    (one text per non-blank line) or a `tf.data.Dataset` of strings (single
    or batched; dict elements hold them under `"text"`); `batch_size` and
    `shuffle` work as in Keras. Each text is WordPiece-tokenized with the
    encoder's tokenizer and packed to `[CLS] pieces [SEP] [PAD]...` inside
    `tf.data`, so the step only ever sees integer ids and runs jit-compiled
    on every backend. Text methods learn from text alone: `y` is refused.
    `predict` also takes token ids `(N, L)`.

    Args:
        encoder: a text encoder with a `tokenizer` and a `sequence_length`
            (e.g. `keras_ssl.encoders.TextTransformer`).

    Example:
    ```python
    encoder = keras_ssl.encoders.TextTransformer(vocabulary=vocabulary)
    inputs = keras_ssl.inputs.TextInputs(encoder)
    batches, _, _ = inputs.prepare(["a text", "another"], purpose="predict")
    ```
    """

    modality = "text"

    def __init__(self, encoder, seed=None):
        super().__init__(encoder)
        for attribute in ("tokenizer", "sequence_length"):
            if not hasattr(encoder, attribute):
                raise ValueError(
                    f"A text method needs an encoder with a {attribute} (e.g. "
                    f"keras_ssl.encoders.TextTransformer, which holds the "
                    f"vocabulary); got {type(encoder).__name__}. Build one "
                    f"with TextTransformer(vocabulary=...)."
                )
        self.seed = seed
        self.sequence_length = encoder.sequence_length
        # The sentence vectors' width ("mean_cls" pooling doubles it).
        self.feature_dim = getattr(encoder, "output_dim", encoder.hidden_dim)
        self.view_shape = (self.sequence_length,)

    @property
    def tokenizer(self):
        return self.encoder.tokenizer

    # --- Before the run ----------------------------------------------------

    def prepare(self, x, y=None, purpose="fit", **kwargs):
        if purpose != "predict":
            _check_training_input(x, y)
        batch_size = kwargs.pop("batch_size", None)
        shuffle = kwargs.pop("shuffle", purpose == "fit")
        x = self.batches(x, batch_size, shuffle, purpose)
        if purpose == "fit":
            kwargs["shuffle"] = False
            if kwargs.get("steps_per_epoch") is None:
                # One iterator for all epochs: new masks every epoch.
                x, kwargs["steps_per_epoch"] = text_pipeline.repeat_for_epochs(x)
        return x, None, kwargs

    def batches(self, x, batch_size=None, shuffle=False, purpose="fit"):
        """Text -> a `tf.data` pipeline of batches; prepared batches and
        (for `predict`) token ids pass through."""
        if x is None or self.is_prepared(x):
            return x
        if purpose == "predict" and not text_checks.is_text_input(x) and (
            is_token_ids(x)
        ):
            return x
        texts, batched = text_checks.string_dataset(x)
        # Lists, arrays and files shuffle whole; datasets keep their order.
        shuffle_buffer = 0
        if shuffle and not is_tf_dataset(x):
            shuffle_buffer = int(texts.cardinality())
        string_batches = text_pipeline.batch_texts(
            texts, batched, batch_size, shuffle_buffer=shuffle_buffer, seed=self.seed
        )
        return self.tokenized(string_batches, purpose)

    def tokenized(self, string_batches, purpose):
        """String batches -> the batches the step takes (token ids here)."""
        return text_pipeline.token_id_batches(
            string_batches, self.tokenizer, self.sequence_length
        )

    def is_prepared(self, x):
        """True for batches this object already made."""
        return False

    # --- Inside the step ---------------------------------------------------

    def call_inputs(self, inputs):
        """Strings (`model(["a text"])`) -> packed token ids, as in training."""
        if text_checks.is_text_input(inputs):
            return self.encoder.tokenize(inputs)
        return inputs

    def standardize(self, data):
        return text_batch.standardize_text_batch(data)

    def batch_count(self, data):
        return text_batch.text_batch_size(data)

    def encoder_inputs(self, batch):
        return batch[text_batch.TOKEN_IDS_KEY]

    def first_batch_count(self, x, batch_size=None):
        if not is_tf_dataset(x):
            return None
        for batch in x.take(1):
            return int(self.batch_count(batch))
        return None


def is_token_ids(x):
    """Integer token ids: an int array `(N, L)` or a dataset of them."""
    if is_tf_dataset(x):
        spec = x.element_spec
        return getattr(spec, "dtype", None) is not None and spec.dtype.is_integer
    dtype = getattr(x, "dtype", None)
    if dtype is None or len(getattr(x, "shape", ())) != 2:
        return False
    return "int" in keras.backend.standardize_dtype(dtype)


def _check_training_input(x, y):
    if y is not None:
        raise ValueError(
            "Text methods learn from text alone (their targets come from the "
            "text itself). Do not pass y."
        )
    if x is not None and not text_checks.is_text_input(x) and is_token_ids(x):
        raise ValueError(
            "fit/evaluate of a text method take raw text (the model "
            "tokenizes it); got integer token ids. Pass the strings, or the "
            "batches of model.input_format.batches(texts)."
        )
