import keras
import numpy as np
import pytest

import keras_ssl
from test_case import run_model_saving_test
from test_case import run_serialization_test

pytest.importorskip("keras_nlp")

WORDS = ["cats purr", "stars shine", "code compiles"]
TEXTS = [f"{WORDS[i % 3]} here in text {i}" for i in range(12)]
LABELS = np.arange(12) % 3


@pytest.fixture(scope="module")
def vocabulary():
    return keras_ssl.MaskedLM.from_texts(TEXTS, vocabulary_size=50).tokenizer.get_vocabulary()


def classifier(vocabulary, mode="finetune", **kwargs):
    encoder = keras_ssl.encoders.TextTransformer(
        vocabulary=vocabulary, sequence_length=10, num_layers=1, num_heads=2,
        hidden_dim=16, intermediate_dim=32,
    )
    return keras_ssl.TextClassifier(encoder, num_classes=3, mode=mode, head_epochs=1, **kwargs)


def weights(model):
    return [keras.ops.convert_to_numpy(v.value).copy() for v in model.encoder.weights]


@pytest.mark.parametrize("mode", ["probe", "finetune"])
def test_modes_train_what_they_say_on_raw_strings(vocabulary, mode):
    model = classifier(vocabulary, mode)
    before = weights(model)
    model.compile()
    model.fit(TEXTS, LABELS, epochs=20, batch_size=12, verbose=0)
    moved = [not np.array_equal(a, b) for a, b in zip(before, weights(model))]
    assert any(moved) == (mode == "finetune")
    probabilities = model.predict(TEXTS[:4], verbose=0)
    assert probabilities.shape == (4, 3)
    np.testing.assert_allclose(probabilities.sum(-1), 1.0, rtol=1e-5)
    # evaluate scores strings as predict does; the topics are learnt.
    logs = model.evaluate(TEXTS, LABELS, verbose=0, return_dict=True)
    predicted = model.predict(TEXTS, verbose=0).argmax(-1)
    np.testing.assert_allclose(logs["accuracy"], np.mean(predicted == LABELS), atol=1e-6)
    assert logs["accuracy"] > 0.5
    # Strings and the encoder's token ids give the same output.
    np.testing.assert_allclose(
        np.asarray(model(TEXTS[:4])),
        np.asarray(model(model.encoder.tokenize(TEXTS[:4]))), atol=1e-6,
    )


def test_keras_round_trip_and_a_labeled_dataset(vocabulary, tmp_path):
    tf = pytest.importorskip("tensorflow")
    model = classifier(vocabulary, "two_stage")
    model.compile()
    dataset = tf.data.Dataset.from_tensor_slices((TEXTS, LABELS)).batch(6)
    history = model.fit(dataset, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    run_serialization_test(model)
    restored = run_model_saving_test(model, TEXTS[:3], str(tmp_path / "text.keras"))
    assert restored.encoder.tokenizer.get_vocabulary() == vocabulary


def test_bad_labels_and_inputs_raise_clear_errors(vocabulary):
    model = classifier(vocabulary)
    model.compile()
    with pytest.raises(ValueError, match="one class id per example"):
        model.fit(TEXTS, keras.utils.to_categorical(LABELS, 4), verbose=0)
    with pytest.raises(ValueError, match="outside 0..2"):
        model.fit(TEXTS, LABELS + 1, verbose=0)
    with pytest.raises(ValueError, match="string labels"):
        model.fit(TEXTS, np.array(["a"] * 12), verbose=0)
    with pytest.raises(ValueError, match="one label per"):
        model.fit(TEXTS, LABELS[:5], verbose=0)
    with pytest.raises(ValueError, match="not one string"):
        model.predict("one text")
    with pytest.raises(ValueError, match="must be a str"):
        model.predict([1.5, 2.5])
    images = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="tokenizer"):
        keras_ssl.TextClassifier(images, num_classes=3)


def test_from_a_text_preset():
    model = keras_ssl.TextClassifier.from_preset("mlm_tiny_shakespeare", num_classes=2, mode="probe")
    assert model.encoder.sequence_length > 0
    assert model.predict(["to be or not to be"], verbose=0).shape == (1, 2)


def test_long_texts_are_truncated_and_empty_texts_refused(vocabulary):
    model = classifier(vocabulary, "probe")
    long_text = " ".join(["cats purr here"] * 20)
    ids = np.asarray(model.token_ids([long_text, "cats purr"]))
    assert ids.shape == (2, 10)
    assert ids[0, -1] == 2 and np.all(ids[0] != 0)  # [SEP] kept last, no padding
    # Truncated: the long text reads like its first 8 pieces.
    np.testing.assert_array_equal(ids[0], np.asarray(model.token_ids([long_text[:60]]))[0])
    with pytest.raises(ValueError, match=r"texts\[1\] is empty"):
        model.predict(["cats purr", ""])
