import numpy as np
import pytest

from keras_ssl.backend import backend_name
from keras_ssl.data.text_packing import TokenIdPacker
from keras_ssl.data.text_vocabulary import SPECIAL_TOKENS

tf = pytest.importorskip("tensorflow")
keras_nlp = pytest.importorskip("keras_nlp")

VOCABULARY = list(SPECIAL_TOKENS) + ["the", "cat", "sat"]


def make_packer(vocabulary=VOCABULARY, sequence_length=6):
    tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(
        vocabulary=vocabulary, oov_token="[UNK]"
    )
    return TokenIdPacker(tokenizer, sequence_length, owner="encoder")


def test_packs_cls_pieces_sep_and_padding():
    ids = make_packer()(["the cat sat", "cat"])
    assert isinstance(ids, np.ndarray) and ids.dtype == np.int32
    np.testing.assert_array_equal(ids, [[1, 5, 6, 7, 2, 0], [1, 6, 2, 0, 0, 0]])


def test_a_string_tensor_stays_a_tensor_only_on_tensorflow():
    ids = make_packer()(tf.constant(["the cat"]))
    assert isinstance(ids, tf.Tensor) == (backend_name() == "tensorflow")
    np.testing.assert_array_equal(np.asarray(ids), [[1, 5, 6, 2, 0, 0]])


def test_a_new_vocabulary_is_picked_up():
    packer = make_packer()
    packer(["the cat"])
    packer.tokenizer.set_vocabulary(list(SPECIAL_TOKENS) + ["cat", "the"])
    np.testing.assert_array_equal(packer(["the cat"]), [[1, 6, 5, 2, 0, 0]])


def test_inputs_that_are_not_a_batch_in_memory_raise(tmp_path):
    packer = make_packer()
    with pytest.raises(ValueError, match="single string"):
        packer("the cat")
    with pytest.raises(ValueError, match=r"encoder.predict"):
        packer(tf.data.Dataset.from_tensor_slices(["the cat"]))
    with pytest.raises(ValueError, match=r"encoder.predict"):
        packer(tmp_path / "corpus.txt")
    with pytest.raises(ValueError, match=r"texts\[0\] is int"):
        packer([3])
    empty = keras_nlp.tokenizers.WordPieceTokenizer(vocabulary=None, oov_token="[UNK]")
    with pytest.raises(ValueError, match="encoder has no vocabulary"):
        TokenIdPacker(empty, 6, owner="encoder")(["the"])
