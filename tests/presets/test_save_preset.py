import hashlib
import json
import os

import h5py
import keras
import pytest

import keras_ssl
from keras_ssl.presets import save_preset
from keras_ssl.presets.preset_files import PRESET_FILES
from tiny_preset import TINY_METADATA
from tiny_preset import tiny_rotation_model


def all_keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from all_keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from all_keys(inner)


def test_writes_config_weights_metadata_and_card(tiny_preset):
    directory = tiny_preset.directory
    assert sorted(os.listdir(directory)) == sorted(PRESET_FILES)
    # Nothing else (no temporary directory) was left beside it.
    assert os.listdir(os.path.dirname(directory)) == ["tiny_rotation"]

    with open(os.path.join(directory, "metadata.json")) as file:
        metadata = json.load(file)
    with open(os.path.join(directory, "model.weights.h5"), "rb") as file:
        weights_bytes = file.read()
    assert metadata["weights_sha256"] == hashlib.sha256(weights_bytes).hexdigest()
    assert metadata["weights_bytes"] == len(weights_bytes)
    assert {key: metadata[key] for key in TINY_METADATA} == TINY_METADATA
    assert metadata["name"] == "tiny_rotation"
    assert metadata["method"] == "RotationPrediction"
    assert metadata["encoder"] == "ConvNet"
    assert metadata["keras_version"] == keras.__version__
    assert metadata["keras_ssl_version"] == keras_ssl.__version__
    assert metadata["backend"] == keras.backend.backend()
    assert metadata["format_version"] == 1
    model = tiny_rotation_model()
    assert metadata["parameters"] == model.count_params()
    assert metadata["encoder_parameters"] == model.encoder.count_params()

    with open(os.path.join(directory, "config.json")) as file:
        config = json.load(file)
    assert config["registered_name"] == "keras_ssl>RotationPrediction"
    assert "compile_config" not in set(all_keys(config))
    # The model was compiled with a built optimizer; the preset keeps none.
    with h5py.File(os.path.join(directory, "model.weights.h5"), "r") as file:
        assert "optimizer" not in file and "encoder" in file

    with open(os.path.join(directory, "README.md")) as file:
        card = file.read()
    assert card.startswith("# tiny_rotation\n")
    assert metadata["weights_sha256"] in card
    assert "| probe_accuracy_all (headline) | 0.5 |" in card
    assert 'keras_ssl.RotationPrediction.from_preset("tiny_rotation")' in card


def test_numpy_metrics_custom_card_and_overwrite(tmp_path):
    import numpy as np

    model = tiny_rotation_model()
    directory = tmp_path / "zoo" / "tiny"
    metadata = dict(TINY_METADATA, epochs=np.int64(1))
    metadata["metrics"] = {"probe_accuracy_all": np.float32(0.75)}
    written = save_preset(model, directory, metadata, card=lambda meta: f"# {meta['name']}\n")
    assert written["metrics"] == {"probe_accuracy_all": 0.75}
    assert (directory / "README.md").read_text() == "# tiny\n"
    with pytest.raises(FileExistsError, match="overwrite=True"):
        save_preset(model, directory, metadata, card="# again\n")
    save_preset(model, directory, dict(metadata, epochs=7), card="# again\n", overwrite=True)
    assert json.loads((directory / "metadata.json").read_text())["epochs"] == 7
    assert (directory / "README.md").read_text() == "# again\n"
    assert os.listdir(tmp_path / "zoo") == ["tiny"]


def test_a_failure_part_way_leaves_nothing_half_written(tmp_path, monkeypatch):
    import keras_ssl.presets.preset_saving as module

    model = tiny_rotation_model()
    directory = tmp_path / "tiny"
    save_preset(model, directory, TINY_METADATA, card="# old\n")
    before = {name: (directory / name).read_bytes() for name in PRESET_FILES}

    def failing_card(metadata):
        # By now the weights are written in the temporary directory.
        raise RuntimeError("disk full")

    monkeypatch.setattr(module, "default_card", failing_card)
    with pytest.raises(RuntimeError, match="disk full"):
        save_preset(model, tmp_path / "new", TINY_METADATA)
    with pytest.raises(RuntimeError, match="disk full"):
        save_preset(model, directory, dict(TINY_METADATA, epochs=9), overwrite=True)
    assert os.listdir(tmp_path) == ["tiny"]
    assert {name: (directory / name).read_bytes() for name in PRESET_FILES} == before


@pytest.mark.parametrize(
    "change, message",
    [
        ({"epochs": None}, "'epochs' must be int"),
        ({"seed": "zero"}, "'seed' must be int or null"),
        ({"headline_metric": "knn"}, "headline_metric 'knn' is not one of"),
        ({"metrics": {"acc": float("nan")}}, "'metrics' must be object"),
        ({"weights_sha256": "0" * 64}, "derived by save_preset"),
        ({"weights_dtype": "float16"}, "derived by save_preset"),
        ({"hardware": object()}, "plain JSON values"),
    ],
)
def test_bad_metadata_is_refused_before_writing(tmp_path, change, message):
    with pytest.raises(ValueError, match=message):
        save_preset(tiny_rotation_model(), tmp_path / "tiny", dict(TINY_METADATA, **change))
    assert os.listdir(tmp_path) == []


def test_missing_metadata_keys_bad_names_and_non_ssl_models(tmp_path):
    model = tiny_rotation_model()
    metadata = dict(TINY_METADATA)
    del metadata["split"], metadata["batch_size"]
    with pytest.raises(ValueError, match=r"missing keys \['batch_size', 'split'\]"):
        save_preset(model, tmp_path / "tiny", metadata)
    with pytest.raises(ValueError, match="not a valid preset name"):
        save_preset(model, tmp_path / "bad name", TINY_METADATA)
    with pytest.raises(ValueError, match="SSL model"):
        save_preset(model.encoder, tmp_path / "tiny", TINY_METADATA)
    assert os.listdir(tmp_path) == []
