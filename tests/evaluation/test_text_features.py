import numpy as np
import pytest

import keras_ssl
from keras_ssl.evaluation import extract_features
from keras_ssl.evaluation import features as features_module
from keras_ssl.evaluation import labeled_features

tf = pytest.importorskip("tensorflow")
pytest.importorskip("keras_nlp")

VOCABULARY = ["[PAD]", "[CLS]", "[SEP]", "[UNK]", "[MASK]", "the", "cat", "dog", "sat", "ran"]
TEXTS = ["the cat sat", "the dog ran", "the cat ran", "the dog sat"] * 3
LABELS = np.array([0, 1, 0, 1] * 3)


def text_encoder():
    return keras_ssl.encoders.TextTransformer(
        vocabulary=VOCABULARY, sequence_length=6, num_layers=1, num_heads=2,
        hidden_dim=8, intermediate_dim=16, dropout=0.0,
    )


def test_text_datasets_give_the_features_of_the_strings():
    encoder = text_encoder()
    expected = encoder.predict(TEXTS, verbose=0)
    np.testing.assert_allclose(extract_features(encoder, TEXTS), expected, atol=1e-5)
    unlabeled = [
        tf.data.Dataset.from_tensor_slices(TEXTS).batch(5),
        tf.data.Dataset.from_tensor_slices({"text": TEXTS}).batch(5),
    ]
    for dataset in unlabeled:
        np.testing.assert_allclose(extract_features(encoder, dataset), expected, atol=1e-5)
    labeled = [
        (TEXTS, LABELS),
        {"text": TEXTS, "label": LABELS},
        tf.data.Dataset.from_tensor_slices((TEXTS, LABELS)).batch(5),
        tf.data.Dataset.from_tensor_slices({"text": TEXTS, "label": LABELS}).batch(5),
    ]
    for data in labeled:
        features, labels = labeled_features(encoder, data)
        np.testing.assert_array_equal(labels, LABELS)
        np.testing.assert_allclose(features, expected, atol=1e-5)


def test_evaluation_uses_the_one_text_detector():
    assert not hasattr(features_module, "is_text")
    assert features_module.is_text_input is keras_ssl.data.text_checks.is_text_input
