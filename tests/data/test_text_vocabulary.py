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


def test_vocabulary_larger_than_corpus_supports_raises():
    texts = tf.data.Dataset.from_tensor_slices(TEXTS)
    with pytest.raises(ValueError, match=r"supports a WordPiece vocabulary of about \d+"):
        learn_vocabulary(texts, 5000)


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
