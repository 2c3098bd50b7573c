import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.data.text_vocabulary import SPECIAL_TOKENS
from test_case import run_model_saving_test
from test_case import run_serialization_test

tf = pytest.importorskip("tensorflow")
pytest.importorskip("keras_nlp")

WORDS = ["the", "cat", "dog", "sat", "on", "mat", "a", "red", "ran", "."]
VOCABULARY = list(SPECIAL_TOKENS) + WORDS
SENTENCES = ["the cat sat on the mat .", "a red dog ran", "The Dog."]


def tiny_text_transformer(**kwargs):
    args = dict(
        vocabulary=VOCABULARY, sequence_length=16, num_layers=1, num_heads=2,
        hidden_dim=8, intermediate_dim=16, dropout=0.0,
    )
    args.update(kwargs)
    return keras_ssl.encoders.TextTransformer(**args)


def test_tokenize_packs_like_training():
    encoder = tiny_text_transformer()
    ids = encoder.tokenize(SENTENCES)
    assert ids.dtype == np.int32 and ids.shape == (3, 16)
    word = {token: index for index, token in enumerate(VOCABULARY)}
    expected = [word[w] for w in "[CLS] a red dog ran [SEP]".split()]
    np.testing.assert_array_equal(ids[1, :6], expected)
    assert (ids[1, 6:] == 0).all()
    # Lowercased, punctuation split off, unknown words -> [UNK].
    np.testing.assert_array_equal(
        encoder.tokenize(["The Dog. Zebra"])[0, :6],
        [word[w] for w in "[CLS] the dog . [UNK] [SEP]".split()],
    )


def test_strings_and_token_ids_give_the_same_vectors():
    encoder = tiny_text_transformer()
    ids = encoder.tokenize(SENTENCES)
    from_ids = keras.ops.convert_to_numpy(encoder(ids))
    assert from_ids.shape == (3, 8)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(encoder(SENTENCES)), from_ids, atol=1e-6
    )
    np.testing.assert_allclose(
        encoder.predict(SENTENCES, batch_size=2, verbose=0), from_ids, atol=1e-5
    )
    np.testing.assert_allclose(encoder.predict(ids, verbose=0), from_ids, atol=1e-5)
    dataset = tf.data.Dataset.from_tensor_slices(SENTENCES)
    np.testing.assert_allclose(
        encoder.predict(dataset, verbose=0), from_ids, atol=1e-5
    )


def test_mean_pooling_skips_padding():
    encoder = tiny_text_transformer()
    ids = encoder.tokenize(SENTENCES)
    sequence = keras.ops.convert_to_numpy(encoder.backbone(ids))
    real = (ids != 0)[..., None]
    expected = (sequence * real).sum(axis=1) / real.sum(axis=1)
    pooled = keras.ops.convert_to_numpy(encoder(ids))
    np.testing.assert_allclose(pooled, expected, rtol=1e-5, atol=1e-6)
    # More padding changes nothing: padded tokens are masked out of
    # attention and of the mean.
    longer = np.pad(ids[:, :8], ((0, 0), (0, 8)))
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(encoder(ids[:, :8])),
        keras.ops.convert_to_numpy(encoder(longer)),
        atol=1e-5,
    )


def test_cls_pooling_is_the_first_token():
    encoder = tiny_text_transformer(pooling="cls")
    ids = encoder.tokenize(SENTENCES)
    sequence = keras.ops.convert_to_numpy(encoder.backbone(ids))
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(encoder(ids)), sequence[:, 0], atol=1e-6
    )


def test_serialization_keeps_vocabulary_out_of_config():
    encoder = tiny_text_transformer()
    config = encoder.get_config()
    assert config["vocabulary"] is None  # An asset of the tokenizer instead.
    assert config["vocabulary_size"] == len(VOCABULARY)
    revived = run_serialization_test(encoder)
    with pytest.raises(ValueError, match="no vocabulary"):
        revived.tokenize(["the cat"])


def test_saving_restores_vocabulary_and_outputs(tmp_path):
    encoder = tiny_text_transformer()
    ids = encoder.tokenize(SENTENCES)
    restored = run_model_saving_test(encoder, ids, str(tmp_path / "encoder.keras"))
    assert restored.tokenizer.get_vocabulary() == VOCABULARY
    new_texts = ["a cat ran on a red mat", "the the the"]
    np.testing.assert_array_equal(
        restored.tokenize(new_texts), encoder.tokenize(new_texts)
    )
    np.testing.assert_allclose(
        restored.predict(new_texts, verbose=0),
        encoder.predict(new_texts, verbose=0),
        atol=1e-6,
    )


BAD_ARGS = {
    "no_vocabulary": (dict(vocabulary=None), "Pass a vocabulary"),
    "size_mismatch": (dict(vocabulary_size=99), "vocabulary has 15"),
    "heads": (dict(num_heads=3), "must divide hidden_dim"),
    "pooling": (dict(pooling="max"), "pooling"),
    "sequence_length": (dict(sequence_length=2), "sequence_length"),
    "layers": (dict(num_layers=0), "num_layers"),
    "dropout": (dict(dropout=1.0), "dropout"),
    "vocabulary": (dict(vocabulary=["a", "b"]), "special tokens"),
}


@pytest.mark.parametrize("case", sorted(BAD_ARGS))
def test_bad_arguments_raise_clear_errors(case):
    kwargs, message = BAD_ARGS[case]
    with pytest.raises(ValueError, match=message):
        tiny_text_transformer(**kwargs)


def test_bad_strings_raise_clear_errors():
    encoder = tiny_text_transformer()
    with pytest.raises(ValueError, match="single string"):
        encoder.tokenize("the cat")
    with pytest.raises(ValueError, match=r"texts\[1\] is empty"):
        encoder(["the cat", ""])
    with pytest.raises(ValueError, match=r"texts\[0\] is int"):
        encoder.tokenize([3, "x"])
