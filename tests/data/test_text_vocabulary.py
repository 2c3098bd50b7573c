import warnings

import pytest

from keras_ssl.data.text_vocabulary import SPECIAL_TOKENS
from keras_ssl.data.text_vocabulary import check_vocabulary
from keras_ssl.data.text_vocabulary import learn_vocabulary

tf = pytest.importorskip("tensorflow")

TEXTS = [
    "the farmer plants the seeds in spring .",
    "the miller grinds the corn at the mill .",
    "a young girl sings a song at night .",
] * 20


def test_learns_wordpiece_vocabulary_with_special_tokens_first():
    vocabulary = learn_vocabulary(tf.data.Dataset.from_tensor_slices(TEXTS), 60)
    assert 57 <= len(vocabulary) <= 60  # The learner's 5% slack.
    assert vocabulary[:5] == list(SPECIAL_TOKENS)
    assert "the" in vocabulary  # Frequent words become whole pieces.
    assert any(token.startswith("##") for token in vocabulary)


def test_vocabulary_size_is_an_upper_bound_with_a_warning():
    texts = tf.data.Dataset.from_tensor_slices(TEXTS)
    supported = learn_vocabulary(texts, 60)
    with pytest.warns(UserWarning, match=r"supports a WordPiece vocabulary of") as record:
        vocabulary = learn_vocabulary(texts, 5000)
    (warning,) = [w for w in record if issubclass(w.category, UserWarning)]
    learned = len(vocabulary)
    assert f"of {learned} tokens" in str(warning.message)
    assert f"vocabulary_size={learned}" in str(warning.message)
    assert vocabulary == supported  # All the corpus supports, nothing more.
    assert vocabulary[:5] == list(SPECIAL_TOKENS)
    assert 10 <= learned < 5000 * 0.95
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # Asking for what it supports: silent.
        assert learn_vocabulary(texts, learned) == vocabulary


def test_corpus_supporting_almost_no_vocabulary_raises():
    texts = tf.data.Dataset.from_tensor_slices(["ab"] * 3)
    message = r"vocabulary of \d+ tokens.*5 special tokens and 5 pieces"
    with pytest.raises(ValueError, match=message):
        learn_vocabulary(texts, 100)


def test_bad_vocabulary_size():
    texts = tf.data.Dataset.from_tensor_slices(TEXTS)
    with pytest.raises(ValueError, match="at least 6"):
        learn_vocabulary(texts, 5)
    with pytest.raises(ValueError, match="must be an int"):
        learn_vocabulary(texts, 100.0)


BAD_VOCABULARIES = {
    "string": ("[PAD] a b", "list of token strings"),
    "missing_special": (["[PAD]", "[CLS]", "a"], "lacks the special tokens"),
    "pad_not_first": (["a", *SPECIAL_TOKENS], "must start with '\\[PAD\\]'"),
    "repeated": ([*SPECIAL_TOKENS, "a", "a"], "repeated tokens \\['a'\\]"),
    "empty_token": ([*SPECIAL_TOKENS, ""], "non-empty strings"),
}


@pytest.mark.parametrize("case", sorted(BAD_VOCABULARIES))
def test_bad_vocabularies_raise_clear_errors(case):
    vocabulary, message = BAD_VOCABULARIES[case]
    with pytest.raises(ValueError, match=message):
        check_vocabulary(vocabulary)
