import json
import os

import h5py
import numpy as np
import pytest

import keras_ssl
from keras_ssl.methods.byol import BYOL
from keras_ssl.presets import PresetError
from keras_ssl.presets.preset_files import file_sha256
from tiny_preset import to_numpy


def assert_same_model(model, tiny_preset):
    np.testing.assert_array_equal(to_numpy(model(tiny_preset.inputs)), tiny_preset.features)
    assert len(model.weights) == len(tiny_preset.weights)
    for weight, expected in zip(model.weights, tiny_preset.weights):
        np.testing.assert_array_equal(to_numpy(weight.value), expected)
    np.testing.assert_array_equal(to_numpy(model.seed_generator.state.value), tiny_preset.seed_state)


@pytest.mark.parametrize("cls", ["RotationPrediction", "SSLModel"])
def test_from_preset_restores_the_model_ready_to_train(tiny_preset, cls):
    model = getattr(keras_ssl, cls).from_preset(tiny_preset.directory)
    assert type(model) is keras_ssl.RotationPrediction
    assert_same_model(model, tiny_preset)
    # Compiled with the method's defaults and a fresh optimizer.
    assert type(model.optimizer).__name__ == "Adam"
    assert int(model.optimizer.iterations) == 0
    history = model.fit(tiny_preset.inputs, epochs=1, batch_size=3, verbose=0)
    assert np.isfinite(history.history["loss"][0]) and history.history["loss"][0] > 0
    assert int(model.optimizer.iterations) == 1


def test_encoders_load_as_plain_models(tiny_preset):
    expected = tiny_preset.features  # an SSLModel's call is its encoder's
    for encoder in (
        keras_ssl.load_encoder(tiny_preset.directory),
        keras_ssl.encoders.ConvNet.from_preset(tiny_preset.directory),
    ):
        assert type(encoder) is keras_ssl.encoders.ConvNet
        assert not hasattr(encoder, "optimizer") or encoder.optimizer is None
        np.testing.assert_array_equal(to_numpy(encoder(tiny_preset.inputs)), expected)


def test_the_wrong_class_is_refused_naming_both(tiny_preset):
    with pytest.raises(PresetError, match="holds a RotationPrediction model, which is not a ConvAutoencoder"):
        keras_ssl.ConvAutoencoder.from_preset(tiny_preset.directory)
    with pytest.raises(PresetError, match="holds a RotationPrediction model, which is not a BYOL"):
        BYOL.from_preset(tiny_preset.directory)
    with pytest.raises(PresetError, match="holds a ConvNet encoder, not a ResNet18"):
        keras_ssl.encoders.ResNet18.from_preset(tiny_preset.directory)


def flip_one_byte(path):
    data = bytearray(open(path, "rb").read())
    data[len(data) // 2] ^= 0xFF
    open(path, "wb").write(bytes(data))


def truncate(path):
    data = open(path, "rb").read()
    open(path, "wb").write(data[: len(data) // 3])


def change_a_weight(path):
    # A valid h5 file with one different number: only the hash can tell.
    with h5py.File(path, "r+") as file:
        dataset = file["encoder/layers/conv2d/vars/0"]
        dataset[0, 0, 0, 0] = dataset[0, 0, 0, 0] + 1.0


@pytest.mark.parametrize("damage", [flip_one_byte, truncate, change_a_weight])
def test_damaged_weights_are_refused_with_both_hashes(tiny_preset, tmp_path, damage):
    directory = tiny_preset.copy_to(tmp_path)
    weights = os.path.join(directory, "model.weights.h5")
    expected = json.load(open(os.path.join(directory, "metadata.json")))["weights_sha256"]
    damage(weights)
    actual = file_sha256(weights)
    assert actual != expected
    for load in (keras_ssl.SSLModel.from_preset, keras_ssl.load_encoder):
        with pytest.raises(PresetError) as error:
            load(directory)
        message = str(error.value)
        assert weights in message and "failed verification" in message
        assert expected in message and actual in message
        assert "Restore the preset directory" in message


def edit_json(directory, name, edit):
    path = os.path.join(directory, name)
    with open(path) as file:
        content = json.load(file)
    edit(content)
    with open(path, "w") as file:
        json.dump(content, file)


@pytest.mark.parametrize(
    "name, edit, message",
    [
        ("metadata.json", lambda m: m.pop("weights_sha256"), r"missing keys \['weights_sha256'\]"),
        ("metadata.json", lambda m: m.update(epochs="ten"), "'epochs' must be int"),
        ("metadata.json", lambda m: m.update(weights_sha256="abc"), "64 lowercase hex"),
        ("metadata.json", lambda m: m.update(format_version=99), "Upgrade keras-ssl"),
        ("metadata.json", lambda m: m.update(method="BYOL"), "holds a RotationPrediction but metadata.json says"),
        ("config.json", lambda c: c.pop("config"), "serialize_keras_object"),
        ("config.json", lambda c: c.update(registered_name="keras_ssl>NoSuchMethod"), "cannot build"),
        ("config.json", lambda c: c["config"].update(head_hidden_units="wide"), "could not be rebuilt"),
    ],
)
def test_malformed_metadata_and_config_are_clear_errors(tiny_preset, tmp_path, name, edit, message):
    directory = tiny_preset.copy_to(tmp_path)
    edit_json(directory, name, edit)
    with pytest.raises(PresetError, match=message) as error:
        keras_ssl.SSLModel.from_preset(directory)
    assert directory in str(error.value)


def test_unparsable_json_and_missing_files(tiny_preset, tmp_path):
    directory = tiny_preset.copy_to(tmp_path)
    with open(os.path.join(directory, "metadata.json"), "w") as file:
        file.write('{"method": "RotationPrediction",\n  "epochs": }')
    with pytest.raises(PresetError, match=r"metadata.json is not valid JSON \(.* line 2"):
        keras_ssl.load_encoder(directory)
    os.remove(os.path.join(directory, "model.weights.h5"))
    with pytest.raises(PresetError, match=r"not a complete preset: \['model.weights.h5'\] missing"):
        keras_ssl.load_encoder(directory)
    with pytest.raises(PresetError, match="No preset directory at"):
        keras_ssl.load_encoder(os.path.join(str(tmp_path), "absent"))
    with pytest.raises(PresetError, match="only http:// and https://"):
        keras_ssl.load_encoder("ftp://example.org/preset.tar.gz")


def test_names_resolve_in_the_zoo_and_unknown_names_list_them(fake_zoo, tiny_preset):
    encoder = keras_ssl.load_encoder("alpha_tiny")
    np.testing.assert_array_equal(to_numpy(encoder(tiny_preset.inputs)), tiny_preset.features)
    model = keras_ssl.RotationPrediction.from_preset("beta_tiny")
    assert_same_model(model, tiny_preset)
    with pytest.raises(PresetError, match="Unknown preset 'gamma_tiny'. Shipped presets: alpha_tiny, beta_tiny."):
        keras_ssl.SSLModel.from_preset("gamma_tiny")
    with pytest.raises(PresetError, match="Shipped presets: alpha_tiny, beta_tiny"):
        keras_ssl.encoders.ConvNet.from_preset("recipes")


def test_a_damaged_shipped_preset_says_to_reinstall(fake_zoo):
    flip_one_byte(str(fake_zoo / "alpha_tiny" / "model.weights.h5"))
    with pytest.raises(PresetError, match="Reinstall keras-ssl"):
        keras_ssl.load_encoder("alpha_tiny")
