"""MaskedLM with BERT's next-sentence or ALBERT's sentence-order objective."""

import itertools

import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.data.text_vocabulary import SPECIAL_TOKENS
from masked_lm_corpus import frozen_batches
from test_case import run_serialization_test

pytest.importorskip("tensorflow")
pytest.importorskip("keras_nlp")

# Two-sentence documents: a question, then its answer. Order (SOP) and
# belonging (NSP: half the random seconds are questions) can be told.
NOUNS = ["key", "cat", "book", "coin", "cup", "hat", "pen", "ball"]
PLACES = ["box", "bag", "room", "car", "house", "shop"]
DOCUMENTS = [
    f"where is the {noun}? the {noun} is in the {place}."
    for noun, place in itertools.product(NOUNS, PLACES)
]
VOCABULARY = list(SPECIAL_TOKENS) + ["where", "is", "the", "?", "in", "."] + (
    NOUNS + PLACES
)
METRICS = {
    "nsp": ("next_sentence_accuracy", "next_sentence_loss"),
    "sop": ("sentence_order_accuracy", "sentence_order_loss"),
}


def make_pair_model(objective, **kwargs):
    encoder = keras_ssl.encoders.TextTransformer(
        vocabulary=VOCABULARY, sequence_length=16, num_layers=1, num_heads=2,
        hidden_dim=16, intermediate_dim=32, dropout=0.0, segment_embedding=True,
    )
    return keras_ssl.MaskedLM(
        encoder=encoder, seed=0, sentence_objective=objective, **kwargs
    )


def train(objective):
    """A pair model, its frozen-mask batches, its logs before and after fit."""
    keras.utils.set_random_seed(0)
    model = make_pair_model(objective)
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    batches = frozen_batches(model, DOCUMENTS, batch_size=48)
    before = model.evaluate(batches, verbose=0, return_dict=True)
    # 12 steps an epoch (each document 4 times, new coins for each copy).
    history = model.fit(DOCUMENTS * 4, epochs=EPOCHS, batch_size=16, verbose=0)
    after = model.evaluate(batches, verbose=0, return_dict=True)
    return model, batches, before, history, after


EPOCHS = 8


@pytest.fixture(scope="module")
def trained_sop():
    return train("sop")


@pytest.mark.parametrize("objective", ["nsp", "sop"])
def test_the_pair_head_trains_and_logs_its_accuracy(objective, request):
    if objective == "sop":
        model, _, before, history, after = request.getfixturevalue("trained_sop")
    else:
        model, _, before, history, after = train("nsp")
    accuracy, loss = METRICS[objective]
    assert len(history.history["loss"]) == EPOCHS
    assert set(history.history) == {
        "loss", "masked_token_accuracy", "masked_token_loss", accuracy, loss
    }
    np.testing.assert_allclose(
        after["loss"], after["masked_token_loss"] + after[loss], rtol=1e-4
    )
    assert after[loss] < before[loss] - 0.1, (before, after)
    assert after["masked_token_loss"] < before["masked_token_loss"]
    assert after[accuracy] > 0.6, after


def test_keras_round_trip_keeps_objective_head_and_scores(trained_sop, tmp_path):
    model, batches, _, _, after = trained_sop
    path = str(tmp_path / "pairs.keras")
    model.save(path)
    restored = keras.saving.load_model(path)
    assert restored.sentence_objective == "sop"
    assert restored.encoder.segment_embedding
    again = restored.evaluate(batches, verbose=0, return_dict=True)
    for name, value in after.items():
        np.testing.assert_allclose(again[name], value, rtol=1e-5, err_msg=name)
    texts = ["where is the cup?", "the cat is in the car."]
    np.testing.assert_allclose(
        restored.encoder.predict(texts, verbose=0),
        model.encoder.predict(texts, verbose=0), atol=1e-6,
    )


def test_configs_without_sentence_objective_load_as_plain_masked_lm():
    model = make_pair_model(None)
    config = model.get_config()
    assert config["sentence_objective"] is None
    del config["sentence_objective"]  # As saved before it existed.
    old = keras_ssl.MaskedLM.from_config(config)
    assert old.sentence_objective is None and not hasattr(old, "sentence_head")
    assert len(old.weights) == len(model.weights)
    revived = run_serialization_test(make_pair_model("sop"))
    assert revived.sentence_objective == "sop"


def test_from_texts_gives_the_encoder_a_segment_embedding():
    model = keras_ssl.MaskedLM.from_texts(
        DOCUMENTS, vocabulary_size=40, sequence_length=16, num_layers=1,
        hidden_dim=8, num_heads=2, intermediate_dim=8, sentence_objective="nsp",
    )
    assert model.sentence_objective == "nsp" and model.encoder.segment_embedding


def test_bad_calls_raise_clear_errors():
    with pytest.raises(ValueError, match="sentence_objective must be None"):
        make_pair_model("both")
    model = make_pair_model("nsp")
    model.compile()
    with pytest.raises(ValueError, match="has two sentences"):
        model.fit(["where is it", "here"], verbose=0)
    with pytest.raises(ValueError, match="only one document"):
        model.fit(["where is it? here. there."], verbose=0)
    # Masked batches of single texts: no pair labels to learn from.
    plain = frozen_batches(make_pair_model(None), DOCUMENTS[:8], batch_size=8)
    with pytest.raises(ValueError, match="trains on sentence pairs"):
        model.evaluate(plain, verbose=0)
