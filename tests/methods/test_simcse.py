import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.augment import IdentityView
from test_case import run_fit_test
from test_case import run_model_saving_test
from test_case import run_serialization_test

pytest.importorskip("keras_nlp")

TOPICS = ["cats", "dogs", "stars", "code", "songs", "war", "peace", "math"]
TEXTS = [f"a short text number {i} about {w} and more" for i, w in enumerate(TOPICS * 2)]


@pytest.fixture(scope="module")
def vocabulary():
    return keras_ssl.MaskedLM.from_texts(TEXTS, vocabulary_size=60).tokenizer.get_vocabulary()


def encoder(vocabulary, dropout=0.1):
    return keras_ssl.encoders.TextTransformer(
        vocabulary=vocabulary, sequence_length=12, num_layers=1, num_heads=2,
        hidden_dim=16, intermediate_dim=32, dropout=dropout,
    )


def numpy_loss(z1, z2, temperature):
    z1 = z1 / np.linalg.norm(z1, axis=1, keepdims=True)
    z2 = z2 / np.linalg.norm(z2, axis=1, keepdims=True)
    logits = z1 @ z2.T / temperature
    log_probs = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    return -np.mean(np.diag(log_probs))


def test_registered_with_identity_views_and_the_papers_temperature(vocabulary):
    model = keras_ssl.SimCSE(encoder(vocabulary))
    assert keras_ssl.methods.get_method("simcse") is keras_ssl.SimCSE
    assert isinstance(model.augmentation, IdentityView)
    assert model.temperature == 0.05 and model.mlp_head is not None
    with pytest.raises(ValueError, match="temperature"):
        keras_ssl.SimCSE(encoder(vocabulary), temperature=0)


def test_encodings_differ_only_through_dropout(vocabulary):
    ids = keras.ops.convert_to_tensor(encoder(vocabulary).tokenize(TEXTS[:6]))
    with_dropout = keras_ssl.SimCSE(encoder(vocabulary, dropout=0.3), mlp=False, seed=0)
    z1, z2 = with_dropout.encode_views(with_dropout.make_views(ids), training=True)
    assert np.abs(np.asarray(z1) - np.asarray(z2)).max() > 1e-3
    # Same views, no dropout: identical encodings, so in training mode too.
    without = keras_ssl.SimCSE(encoder(vocabulary, dropout=0.0), mlp=False, seed=0)
    views = without.make_views(ids)
    np.testing.assert_array_equal(np.asarray(views[0]), np.asarray(ids))
    z1, z2 = without.encode_views(views, training=True)
    np.testing.assert_allclose(np.asarray(z1), np.asarray(z2), atol=1e-6)


def test_evaluate_loss_is_equation_1_of_the_two_encodings(vocabulary):
    model = keras_ssl.SimCSE(encoder(vocabulary, dropout=0.0), temperature=0.1, seed=0)
    model.compile()
    logs = model.evaluate(TEXTS, batch_size=16, verbose=0, return_dict=True)
    z = keras.ops.convert_to_numpy(model.mlp_head(model.encoder(TEXTS)))
    np.testing.assert_allclose(logs["loss"], numpy_loss(z, z, 0.1), rtol=1e-4)
    assert logs["contrastive_accuracy"] == 1.0  # identical views


def test_fits_saves_reloads_and_resumes(vocabulary, tmp_path):
    model = keras_ssl.SimCSE(encoder(vocabulary), seed=0)
    history = run_fit_test(model, TEXTS, epochs=1, batch_size=8)
    assert 0.0 <= history.history["contrastive_accuracy"][-1] <= 1.0
    run_serialization_test(model)
    restored = run_model_saving_test(model, TEXTS[:4], str(tmp_path / "simcse.keras"))
    assert restored.temperature == model.temperature
    assert restored.tokenizer.get_vocabulary() == vocabulary
    # Resuming continues from the saved optimizer state (Adam's step count
    # and moments); dropout masks come from the layers' own seeds.
    assert int(restored.optimizer.iterations) == 2
    restored.fit(TEXTS, epochs=1, batch_size=8, verbose=0)
    assert int(restored.optimizer.iterations) == 4


def test_refuses_labels_and_encoders_without_a_tokenizer(vocabulary):
    model = keras_ssl.SimCSE(encoder(vocabulary))
    model.compile()
    with pytest.raises(ValueError, match="text alone"):
        model.fit(TEXTS, np.zeros(len(TEXTS)), batch_size=8)
    images = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="tokenizer"):
        keras_ssl.SimCSE(images)


def test_trains_a_keras_hub_bert_backbone(vocabulary):
    keras_hub = pytest.importorskip("keras_hub")
    backbone = keras_hub.models.BertBackbone(
        vocabulary_size=len(vocabulary), num_layers=1, num_heads=2, hidden_dim=16,
        intermediate_dim=32, max_sequence_length=12, dropout=0.1,
    )
    hub = keras_ssl.encoders.HubTextEncoder(backbone, vocabulary, sequence_length=12)
    model = keras_ssl.SimCSE(hub, seed=0)
    before = np.asarray(model.encoder(TEXTS[:4]))
    run_fit_test(model, TEXTS, epochs=1, batch_size=8)
    assert np.abs(np.asarray(model.encoder(TEXTS[:4])) - before).max() > 0
    revived = run_serialization_test(model.encoder)
    assert revived.sequence_length == 12 and revived.hidden_dim == 16
