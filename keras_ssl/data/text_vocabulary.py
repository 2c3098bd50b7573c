"""WordPiece vocabularies: learn one from a corpus, check a given one.

Learning is keras-nlp's `compute_word_piece_vocabulary` (tf-text's
WordPiece learner); this module only fixes the special tokens keras_ssl's
text models rely on and makes the learner's silent shortfalls visible: a
warning when the corpus supports fewer tokens than asked for, an error when
it supports almost none.
"""

import warnings

#: Special tokens, in keras-nlp's order. `[PAD]` must be id 0: padding masks
#: and the mask generator's default treat id 0 as padding.
SPECIAL_TOKENS = ("[PAD]", "[CLS]", "[SEP]", "[UNK]", "[MASK]")
PAD, CLS, SEP, UNK, MASK = SPECIAL_TOKENS

# tf-text's learner accepts a vocabulary up to 5% smaller than requested
# (its `slack_ratio`); anything smaller means the corpus ran out of pieces.
_LEARNER_SLACK = 0.05

# Pieces beyond the special tokens a corpus must support at the least (a
# one-word corpus supports two: the word and its "##" continuation).
_MIN_PIECES = 5

# Texts pre-tokenized per step while counting words (batching is ~2x faster
# than one text at a time and gives the same counts).
_COUNTING_BATCH = 1024


def check_vocabulary(vocabulary):
    """Check a WordPiece vocabulary; return it as a list of strings.

    Args:
        vocabulary: list of unique, non-empty token strings holding every
            token of `SPECIAL_TOKENS`, with `"[PAD]"` first (id 0).

    Returns:
        The vocabulary as a list.

    Raises:
        ValueError: naming the problem and the fix.
    """
    if isinstance(vocabulary, (str, bytes)) or not hasattr(vocabulary, "__iter__"):
        raise ValueError(
            f"vocabulary must be a list of token strings; got "
            f"{type(vocabulary).__name__}. Learn one with "
            f"keras_ssl.MaskedLM.from_texts(texts, vocabulary_size=...)."
        )
    vocabulary = list(vocabulary)
    bad = [token for token in vocabulary if not isinstance(token, str) or not token]
    if bad:
        raise ValueError(
            f"vocabulary entries must be non-empty strings; got {bad[:3]!r}."
        )
    if len(set(vocabulary)) != len(vocabulary):
        seen, repeated = set(), []
        for token in vocabulary:
            if token in seen:
                repeated.append(token)
            seen.add(token)
        raise ValueError(
            f"vocabulary has repeated tokens {repeated[:5]!r}; each token "
            f"must appear once."
        )
    missing = [token for token in SPECIAL_TOKENS if token not in vocabulary]
    if missing:
        raise ValueError(
            f"vocabulary lacks the special tokens {missing}. keras_ssl text "
            f"models need {list(SPECIAL_TOKENS)}; pass them as "
            f"reserved_tokens when learning the vocabulary."
        )
    if vocabulary[0] != PAD:
        raise ValueError(
            f"vocabulary must start with {PAD!r} (id 0, the padding id); it "
            f"starts with {vocabulary[0]!r}. Move {PAD!r} to the front."
        )
    return vocabulary


def learn_vocabulary(texts, vocabulary_size, lowercase=True, strip_accents=True):
    """Learn a WordPiece vocabulary of up to `vocabulary_size` tokens.

    Uses `keras_nlp.tokenizers.compute_word_piece_vocabulary` with
    `SPECIAL_TOKENS` reserved at ids 0-4. The learner keeps only pieces seen
    often enough, so a small corpus supports only a small vocabulary:
    `vocabulary_size` is an upper bound. If the corpus cannot reach 95% of
    it, this learns what the corpus supports and warns with the size
    learned; if the corpus supports fewer than 5 pieces besides the special
    tokens, it raises.

    Args:
        texts: `tf.data.Dataset` of strings, single or batched.
        vocabulary_size: int. Most tokens wanted, special tokens included.
        lowercase: bool. Lowercase text before learning.
        strip_accents: bool. Remove accents before learning.

    Returns:
        List of token strings, `"[PAD]"` first.

    Raises:
        ValueError: for a bad `vocabulary_size`, or a corpus that supports
            almost no vocabulary.

    Warns:
        UserWarning: when the vocabulary learned is smaller than
            `vocabulary_size` (beyond the learner's 5% slack).

    Example:
    >>> texts = tf.data.Dataset.from_tensor_slices(["the cat sat"] * 20)
    >>> learn_vocabulary(texts, 20)[:6]
    ['[PAD]', '[CLS]', '[SEP]', '[UNK]', '[MASK]', 'a']
    """
    if isinstance(vocabulary_size, bool) or not isinstance(vocabulary_size, int):
        raise ValueError(
            f"vocabulary_size must be an int; got {vocabulary_size!r}."
        )
    minimum = len(SPECIAL_TOKENS) + 1
    if vocabulary_size < minimum:
        raise ValueError(
            f"vocabulary_size must be at least {minimum} (the "
            f"{len(SPECIAL_TOKENS)} special tokens and one piece); got "
            f"{vocabulary_size}."
        )
    import keras_nlp

    if texts.element_spec.shape.rank == 0:
        # Same counts, but pre-tokenized and counted a batch at a time.
        texts = texts.batch(_COUNTING_BATCH)
    vocabulary = keras_nlp.tokenizers.compute_word_piece_vocabulary(
        texts,
        vocabulary_size,
        lowercase=lowercase,
        strip_accents=strip_accents,
        reserved_tokens=list(SPECIAL_TOKENS),
    )
    learned = len(vocabulary)
    if learned < (1.0 - _LEARNER_SLACK) * vocabulary_size:
        supported = (
            f"The corpus supports a WordPiece vocabulary of {learned} tokens, "
            f"fewer than vocabulary_size={vocabulary_size} (the learner keeps "
            f"only pieces seen often enough)."
        )
        if learned < len(SPECIAL_TOKENS) + _MIN_PIECES:
            raise ValueError(
                f"{supported} That is fewer than the {len(SPECIAL_TOKENS)} "
                f"special tokens and {_MIN_PIECES} pieces: pass more (or "
                f"longer) texts."
            )
        warnings.warn(
            f"{supported} Learned those {learned}; pass vocabulary_size="
            f"{learned} to silence this warning, or more text for a larger "
            f"vocabulary.",
            UserWarning,
            stacklevel=2,
        )
    return check_vocabulary(vocabulary)
