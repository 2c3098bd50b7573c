import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.callbacks import CollapseMonitor
from keras_ssl.callbacks import KNNMonitor
from keras_ssl.callbacks import LinearProbe
from keras_ssl.evaluation import linear_probe

pytest.importorskip("keras_nlp")

# Two topics with their own words: the label is what a text is about.
ANIMALS = [f"the {animal} {verb}" for animal in ("cat", "dog") for verb in ("sat", "ran", "ate")]
WEATHER = [
    f"the {weather} {verb}" for weather in ("rain", "snow") for verb in ("fell", "came", "stopped")
]
TEXTS = np.array(ANIMALS + WEATHER)
TOPICS = np.array(["animals"] * 6 + ["weather"] * 6)
VOCABULARY = ["[PAD]", "[CLS]", "[SEP]", "[UNK]", "[MASK]", "the", "cat", "dog", "sat",
              "ran", "ate", "rain", "snow", "fell", "came", "stopped"]


def text_encoder():
    if not hasattr(keras_ssl.encoders, "TextTransformer"):
        pytest.skip("keras_ssl.encoders.TextTransformer is not available")
    return keras_ssl.encoders.TextTransformer(
        vocabulary=VOCABULARY, sequence_length=6, num_layers=1, num_heads=2,
        hidden_dim=16, intermediate_dim=32, dropout=0.0,
    )


def test_probe_knn_and_collapse_take_strings():
    encoder = text_encoder()
    probe = LinearProbe((TEXTS, TOPICS), (TEXTS, TOPICS), probe_epochs=30, encoder=encoder)
    knn = KNNMonitor((TEXTS, TOPICS), (TEXTS, TOPICS), k=1, encoder=encoder)
    collapse = CollapseMonitor(TEXTS, encoder=encoder)
    # Any model's fit drives the callbacks; here a throwaway regression.
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=1, verbose=0,
                        callbacks=[probe, knn, collapse])
    logs = history.history
    # Scored on its own training texts, the probe separates the two topics,
    # and each text is its own nearest neighbour.
    assert logs["val_probe_accuracy"] == [1.0]
    assert logs["val_knn_accuracy"] == [1.0]
    assert 0.0 < logs["embedding_std"][0] < 1.0
    direct = linear_probe(encoder, (TEXTS, TOPICS), (TEXTS, TOPICS), epochs=30)
    assert direct["loss"] == pytest.approx(logs["val_probe_loss"][0], rel=1e-5)


@pytest.mark.large
def test_monitors_during_masked_lm_training():
    model = keras_ssl.MaskedLM(encoder=text_encoder(), seed=0)
    model.compile()
    probe = LinearProbe((TEXTS, TOPICS), (TEXTS, TOPICS), probe_epochs=30)
    knn = KNNMonitor((TEXTS, TOPICS), (TEXTS, TOPICS), k=1)
    history = model.fit(list(TEXTS) * 4, epochs=2, batch_size=8, verbose=0, callbacks=[probe, knn])
    assert history.history["val_probe_accuracy"][-1] == 1.0
    assert history.history["val_knn_accuracy"][-1] == 1.0
    direct = linear_probe(model.encoder, (TEXTS, TOPICS), (TEXTS, TOPICS), epochs=30)
    assert direct["loss"] == pytest.approx(history.history["val_probe_loss"][-1], rel=1e-5)
