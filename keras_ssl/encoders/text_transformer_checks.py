"""Check `TextTransformer`'s arguments before any layer is built.

Every error names the argument, the value given and what it must be.
"""

from keras_ssl.data.text_vocabulary import SEP
from keras_ssl.data.text_vocabulary import SPECIAL_TOKENS
from keras_ssl.data.text_vocabulary import check_vocabulary
from keras_ssl.encoders.text_transformer_pooling import check_pooling

#: The id of `[SEP]` where segment ids are read off the token ids: its
#: place in `SPECIAL_TOKENS`, where `learn_vocabulary` reserves it.
SEPARATOR_ID = SPECIAL_TOKENS.index(SEP)


def resolve_vocabulary(vocabulary, vocabulary_size):
    """Check the vocabulary (or its size alone); return both.

    Args:
        vocabulary: list of WordPiece tokens, or None when a saved model
            restores it later.
        vocabulary_size: int or None; must match `len(vocabulary)` if both
            are given.

    Returns:
        `(vocabulary as a list or None, vocabulary_size)`.

    Raises:
        ValueError: naming the problem and the fix.
    """
    if vocabulary is not None:
        vocabulary = check_vocabulary(vocabulary)
        if vocabulary_size is not None and vocabulary_size != len(vocabulary):
            raise ValueError(
                f"vocabulary_size={vocabulary_size} but the vocabulary has "
                f"{len(vocabulary)} tokens. Drop vocabulary_size."
            )
        vocabulary_size = len(vocabulary)
    if vocabulary_size is None:
        raise ValueError(
            "Pass a vocabulary (a list of WordPiece tokens), e.g. from "
            "keras_ssl.MaskedLM.from_texts(texts, vocabulary_size=...)."
        )
    return vocabulary, vocabulary_size


def check_sizes(
    vocabulary_size, sequence_length, num_layers, num_heads, hidden_dim,
    intermediate_dim, dropout, pooling,
):
    """Check the sizes, rates and pooling of a `TextTransformer`.

    Raises:
        ValueError: naming the argument and the value it must take.
    """
    positive = {
        "vocabulary_size": vocabulary_size,
        "num_layers": num_layers,
        "num_heads": num_heads,
        "hidden_dim": hidden_dim,
        "intermediate_dim": intermediate_dim,
    }
    for name, value in positive.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int; got {value!r}.")
    if vocabulary_size <= len(SPECIAL_TOKENS):
        raise ValueError(
            f"vocabulary_size must exceed the {len(SPECIAL_TOKENS)} special "
            f"tokens; got {vocabulary_size}."
        )
    if not isinstance(sequence_length, int) or sequence_length < 3:
        raise ValueError(
            f"sequence_length must be an int >= 3 ([CLS], a token, [SEP]); "
            f"got {sequence_length!r}."
        )
    if hidden_dim % num_heads:
        raise ValueError(
            f"num_heads={num_heads} must divide hidden_dim={hidden_dim}."
        )
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1); got {dropout}.")
    check_pooling(pooling)


def check_segment_embedding(segment_embedding, vocabulary):
    """Check `segment_embedding` (a bool) and, when set, that `[SEP]` has
    the id the segment ids are read from.

    Raises:
        ValueError: naming the problem and the fix.
    """
    if not isinstance(segment_embedding, bool):
        raise ValueError(
            f"segment_embedding must be True or False; got {segment_embedding!r}."
        )
    if segment_embedding and vocabulary is not None and (
        vocabulary[SEPARATOR_ID] != SEP
    ):
        raise ValueError(
            f"segment_embedding=True reads segments off the {SEP} token, which "
            f"must be id {SEPARATOR_ID} (keras_ssl's learnt vocabularies start "
            f"with {list(SPECIAL_TOKENS)}); this vocabulary has "
            f"{vocabulary[SEPARATOR_ID]!r} there. Put the special tokens first "
            f"in that order, or pass segment_embedding=False."
        )
