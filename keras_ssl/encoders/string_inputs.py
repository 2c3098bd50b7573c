"""Strings in: what every keras_ssl text encoder adds to its network.

A text encoder's network is a plain functional `keras.Model` on int token
ids `(N, L)`; this mixin lets it take strings too, tokenizing them with the
encoder's `tokenizer` and packing them to `sequence_length` (the encoder
sets `self._packer`, a `keras_ssl.data.text_packing.TokenIdPacker`).
"""

from keras_ssl.data import text_checks
from keras_ssl.data import text_pipeline


class StringInputs:
    """Mixin for text encoders: `tokenize`, and strings in `__call__` and
    `predict`. Texts longer than `sequence_length` tokens are truncated."""

    def tokenize(self, texts):
        """Token ids `(N, sequence_length)` of a batch of strings.

        Rows are `[CLS] pieces [SEP]` padded with `[PAD]` (0), exactly as in
        training; longer texts are truncated to `sequence_length` (their
        last pieces dropped, `[SEP]` kept). Returns a numpy int32 array, or
        a `tf.Tensor` when given one under the TensorFlow backend.

        Args:
            texts: list or 1-D array of strings, or a string `tf.Tensor`.
        """
        return self._packer(texts)

    def __call__(self, inputs, *args, **kwargs):
        if text_checks.is_text_input(inputs):
            inputs = self.tokenize(inputs)
        return super().__call__(inputs, *args, **kwargs)

    def predict(self, x, batch_size=None, **kwargs):
        """`keras.Model.predict`, also on text: a list of strings, a text file
        path (one text per line) or a `tf.data.Dataset` of strings."""
        if text_checks.is_text_input(x):
            texts, batched = text_checks.string_dataset(x)
            batches = text_pipeline.batch_texts(texts, batched, batch_size)
            x = text_pipeline.token_id_batches(
                batches, self.tokenizer, self.sequence_length
            )
            batch_size = None
        return super().predict(x, batch_size=batch_size, **kwargs)
