"""TextTransformer's sentence poolings and its optional segment embedding."""

import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.encoders.text_transformer import segment_ids
from test_case import run_model_saving_test
from test_text_transformer import SENTENCES
from test_text_transformer import VOCABULARY
from test_text_transformer import tiny_text_transformer

pytest.importorskip("tensorflow")
pytest.importorskip("keras_nlp")


def numpy(x):
    return keras.ops.convert_to_numpy(x)


def test_mean_cls_is_the_masked_mean_then_the_first_token():
    encoder = tiny_text_transformer(pooling="mean_cls")
    ids = encoder.tokenize(SENTENCES)
    sequence = numpy(encoder.backbone(ids))
    real = (ids != 0)[..., None]
    mean = (sequence * real).sum(axis=1) / real.sum(axis=1)  # padding left out
    expected = np.concatenate([mean, sequence[:, 0]], axis=-1)
    assert encoder.output_dim == 16 == 2 * encoder.hidden_dim
    np.testing.assert_allclose(numpy(encoder(ids)), expected, rtol=1e-5, atol=1e-6)
    # One pooled vector per string.
    assert encoder.predict(SENTENCES + ["a cat"], verbose=0).shape == (4, 16)
    # The text inputs of a method read the doubled width.
    assert keras_ssl.inputs.TextInputs(encoder).feature_dim == 16


def test_configs_without_the_new_arguments_load_as_before():
    encoder = tiny_text_transformer()
    config = encoder.get_config()
    assert (config["pooling"], config["segment_embedding"]) == ("mean", False)
    del config["segment_embedding"]  # As saved before it existed.
    old = keras_ssl.encoders.TextTransformer.from_config(config)
    assert (old.pooling, old.segment_embedding, old.output_dim) == ("mean", False, 8)
    assert len(old.weights) == len(encoder.weights)


def test_segment_ids_are_read_off_the_first_separator():
    cls_id, sep_id = VOCABULARY.index("[CLS]"), VOCABULARY.index("[SEP]")
    ids = np.array([
        [cls_id, 7, 8, sep_id, 9, 10, sep_id, 0, 0],
        [cls_id, 7, 8, 9, sep_id, 0, 0, 0, 0],
    ], "int32")
    # BERT: segment 0 up to and including the first [SEP], 1 after it.
    expected = np.zeros_like(ids)
    expected[0, 4:] = 1
    expected[1, 5:] = 1
    np.testing.assert_array_equal(numpy(segment_ids(ids)), expected)


def test_segment_embedding_is_added_per_segment_and_round_trips(tmp_path):
    encoder = tiny_text_transformer(segment_embedding=True, pooling="cls")
    plain = tiny_text_transformer(pooling="cls")
    assert len(encoder.weights) == len(plain.weights) + 1
    cls_id, sep_id = VOCABULARY.index("[CLS]"), VOCABULARY.index("[SEP]")
    pair = np.array([[cls_id, 7, sep_id, 7, 8, sep_id, 0]], "int32")
    backbone = encoder.backbone
    summed = keras.Model(backbone.input, backbone.get_layer("add_segments").output)
    table = numpy(backbone.get_layer("segment_embedding").embeddings)
    tokens = numpy(backbone.get_layer("token_and_position_embedding")(pair))
    segments = np.array([[0, 0, 0, 1, 1, 1, 1]])
    np.testing.assert_allclose(
        numpy(summed(pair)), tokens + table[segments], rtol=1e-6, atol=1e-7
    )
    restored = run_model_saving_test(encoder, pair, str(tmp_path / "seg.keras"))
    assert restored.segment_embedding is True


BAD_ARGS = {
    "pooling": (dict(pooling="max"), "mean_cls"),
    "segment_flag": (dict(segment_embedding="yes"), "True or False"),
    "separator_id": (
        dict(vocabulary=["[PAD]", "[CLS]", "x", "[SEP]", "[UNK]", "[MASK]", "y"],
             segment_embedding=True),
        "must be id 2",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_ARGS))
def test_bad_arguments_raise_clear_errors(case):
    kwargs, message = BAD_ARGS[case]
    with pytest.raises(ValueError, match=message):
        tiny_text_transformer(**kwargs)


def test_hub_text_encoder_takes_mean_cls():
    keras_hub = pytest.importorskip("keras_hub")
    backbone = keras_hub.models.BertBackbone(
        vocabulary_size=len(VOCABULARY), num_layers=1, num_heads=2, hidden_dim=8,
        intermediate_dim=16, max_sequence_length=16,
    )
    encoder = keras_ssl.encoders.HubTextEncoder(
        backbone, VOCABULARY, sequence_length=16, pooling="mean_cls"
    )
    assert encoder.predict(SENTENCES, verbose=0).shape == (3, 16)
    assert encoder.output_dim == 16 and encoder.get_config()["pooling"] == "mean_cls"
    with pytest.raises(ValueError, match="mean_cls"):
        keras_ssl.encoders.HubTextEncoder(backbone, VOCABULARY, pooling="max")
