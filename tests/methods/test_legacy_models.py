"""`.keras` files saved before the architecture change still load and give
the same outputs (fixtures written by tests/fixtures/legacy_models/
make_fixtures.py with keras_ssl as of commit 6184a0e)."""

import os

import keras
import numpy as np
import pytest

import keras_ssl

FIXTURES = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "legacy_models")
CLASSES = {
    "autoencoder": "ConvAutoencoder",
    "rotation": "RotationPrediction",
    "simclr": "SimCLR",
    "byol": "BYOL",
    "mlm": "MaskedLM",
}


@pytest.fixture(scope="module")
def outputs():
    return np.load(os.path.join(FIXTURES, "outputs.npz"))


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_a_legacy_file_loads_as_its_registered_method(name):
    model = keras.saving.load_model(os.path.join(FIXTURES, f"{name}.keras"))
    assert type(model).__name__ == CLASSES[name]
    assert type(model) is keras_ssl.methods.get_method(name)


@pytest.mark.parametrize("name", ["autoencoder", "rotation", "simclr", "byol"])
def test_a_legacy_image_model_gives_its_saved_outputs_on_uint8_pixels(name, outputs):
    # Saved by keras_ssl 0.1, whose encoders took [0, 1] pixels: the encoder
    # gains its Rescaling layer, says so, and gives the same features.
    with pytest.warns(keras_ssl.PixelConventionWarning, match="0-255"):
        model = keras.saving.load_model(os.path.join(FIXTURES, f"{name}.keras"))
    actual = keras.ops.convert_to_numpy(model(outputs["images"], training=False))
    np.testing.assert_allclose(actual, outputs[name], atol=1e-5)


def test_the_legacy_masked_lm_gives_its_saved_outputs_on_strings(outputs):
    model = keras.saving.load_model(os.path.join(FIXTURES, "mlm.keras"))
    texts = [str(text) for text in outputs["texts"]]
    np.testing.assert_allclose(model.predict(texts, verbose=0), outputs["mlm"], atol=1e-5)
    called = keras.ops.convert_to_numpy(model(texts, training=False))
    np.testing.assert_allclose(called, outputs["mlm"], atol=1e-5)


def test_a_legacy_model_keeps_training(outputs):
    model = keras.saving.load_model(os.path.join(FIXTURES, "byol.keras"))
    history = model.fit(outputs["images"], batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
