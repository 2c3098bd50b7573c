"""Tokenize and pack a batch of strings eagerly, outside `tf.data`.

`TokenIdPacker` turns the strings handed to a text encoder's `__call__` or
`tokenize` into the token ids `(N, sequence_length)` its network takes:
`[CLS] pieces [SEP] [PAD]...`, exactly as `text_pipeline` packs them for
training. It runs `text_pipeline.pack_function` as a `tf.function`, traced
once per vocabulary.
"""

import os
import types

from keras_ssl.backend.tensors import from_tf_tensor
from keras_ssl.data import text_checks
from keras_ssl.data import text_pipeline
from keras_ssl.data.tf_datasets import is_tf_dataset


class TokenIdPacker:
    """Strings -> packed token ids, with the tokenizer's current vocabulary.

    The vocabulary is read from the tokenizer at each call: a saved model
    sets it after construction (as the tokenizer's asset), and the traced
    function is rebuilt when it changes.

    Args:
        tokenizer: a `keras_nlp.tokenizers.WordPieceTokenizer` whose
            vocabulary (once set) holds keras_ssl's special tokens.
        sequence_length: int. Tokens per text, `[CLS]` and `[SEP]` included.
        owner: str. The encoder's name, for error messages.
    """

    def __init__(self, tokenizer, sequence_length, owner):
        self.tokenizer = tokenizer
        self.sequence_length = sequence_length
        self.owner = owner
        self._traced = None

    def _function(self):
        """The tokenize-and-pack `tf.function` of the current vocabulary."""
        import tensorflow as tf

        vocabulary = self.tokenizer.vocabulary
        if vocabulary is None:
            raise ValueError(
                f"{self.owner} has no vocabulary. Build it with vocabulary=... "
                f"or load a saved model (keras.saving.load_model)."
            )
        if self._traced is None or self._traced.vocabulary is not vocabulary:
            pack = text_pipeline.pack_function(self.tokenizer, self.sequence_length)
            self._traced = types.SimpleNamespace(
                vocabulary=vocabulary,
                function=tf.function(
                    pack, input_signature=[tf.TensorSpec([None], tf.string)]
                ),
            )
        return self._traced.function

    def __call__(self, texts):
        """Token ids `(N, sequence_length)` int32 of a batch of strings.

        Args:
            texts: list, tuple or 1-D array of strings, or a string
                `tf.Tensor`.

        Returns:
            A numpy array; a `tf.Tensor` when given one under the TensorFlow
            backend.

        Raises:
            ValueError: for a single string, a file path or a dataset (not
                a batch in memory), or a bad text (naming its index).
        """
        import tensorflow as tf

        if isinstance(texts, tf.Tensor):
            return from_tf_tensor(self._function()(texts))
        if isinstance(texts, str):
            raise ValueError(
                "Got a single string; pass a list of texts, e.g. [text]."
            )
        if isinstance(texts, os.PathLike) or is_tf_dataset(texts):
            raise ValueError(
                f"Got a {type(texts).__name__}, not a batch of strings in "
                f"memory. Pass a list of texts, or give the file or dataset "
                f"to {self.owner}.predict(...)."
            )
        texts = text_checks.check_texts(texts)
        return self._function()(tf.constant(texts)).numpy()
