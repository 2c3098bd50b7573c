"""Presets whose weights are stored in float16 or bfloat16.

Keras loads each stored value into its variable and casts it to the
variable's dtype: a half-precision file gives a float32 model holding the
float32 weights rounded to the stored dtype, and integer state (the seed)
unchanged.
"""

import json
import os

import h5py
import ml_dtypes
import numpy as np
import pytest

import keras_ssl
from keras_ssl.presets import PresetError
from keras_ssl.presets import convert_preset_weights
from keras_ssl.presets import read_preset
from keras_ssl.presets import save_preset
from keras_ssl.presets import weights_file_dtypes
from keras_ssl.presets.preset_files import write_weights_as
from tiny_preset import TINY_METADATA
from tiny_preset import tiny_rotation_model
from tiny_preset import to_numpy

NUMPY = {"float16": np.float16, "bfloat16": ml_dtypes.bfloat16}


def rounded(weights, dtype):
    return [
        w.astype(NUMPY[dtype]).astype(w.dtype) if w.dtype.kind == "f" else w
        for w in weights
    ]


def assert_loads_rounded(directory, weights, dtype):
    model = keras_ssl.RotationPrediction.from_preset(str(directory))
    assert {v.dtype for v in model.weights if "seed" not in v.path} == {"float32"}
    loaded = [to_numpy(v.value) for v in model.weights]
    for actual, expected in zip(loaded, rounded(weights, dtype)):
        np.testing.assert_array_equal(actual, expected)
    # Rounding changed something, so the values really came from the file.
    assert any(not np.array_equal(a, w) for a, w in zip(loaded, weights))


def metadata_of(directory):
    with open(os.path.join(directory, "metadata.json")) as file:
        return json.load(file)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_save_preset_stores_half_weights_that_load_as_float32(tmp_path, dtype):
    model = tiny_rotation_model()
    weights = [to_numpy(v.value) for v in model.weights]
    directory = tmp_path / "tiny"
    written = save_preset(model, directory, TINY_METADATA, weights_dtype=dtype)
    assert written["weights_dtype"] == dtype == metadata_of(directory)["weights_dtype"]
    assert weights_file_dtypes(directory / "model.weights.h5") == [dtype]
    assert f"bytes, {dtype}, sha256" in (directory / "README.md").read_text()
    assert_loads_rounded(directory, weights, dtype)


def test_float32_is_the_default_and_stated(tiny_preset):
    assert metadata_of(tiny_preset.directory)["weights_dtype"] == "float32"
    path = os.path.join(tiny_preset.directory, "model.weights.h5")
    assert weights_file_dtypes(path) == ["float32"]
    with pytest.raises(ValueError, match=r"one of \['float32', 'float16', 'bfloat16'\]"):
        save_preset(tiny_rotation_model(), "unused", TINY_METADATA, weights_dtype="float64")


def test_converting_a_preset_rewrites_weights_metadata_and_card(tmp_path, tiny_preset):
    directory = tiny_preset.copy_to(tmp_path)
    before = metadata_of(directory)
    seen = []

    def measure(path):
        seen.append(read_preset(path).metadata["weights_dtype"])
        return {"probe_accuracy_all": 0.499}  # the card says 0.5

    new = convert_preset_weights(directory, "float16", measure, command="measure it")
    assert seen == ["float16"]
    stored = metadata_of(directory)
    assert stored == new
    assert stored["weights_bytes"] == os.path.getsize(os.path.join(directory, "model.weights.h5"))
    assert stored["weights_bytes"] < before["weights_bytes"]
    assert stored["weights_sha256"] != before["weights_sha256"]
    assert stored["metrics"] == before["metrics"]  # the card keeps float32 figures
    assert stored["weights_check"] == {
        "float32_weights_sha256": before["weights_sha256"],
        "float32_weights_bytes": before["weights_bytes"],
        "metrics": {"probe_accuracy_all": 0.499},
        "max_change_points": 0.1,
        "command": "measure it",
    }
    card = open(os.path.join(directory, "README.md")).read()
    assert stored["weights_sha256"] in card and before["weights_sha256"] in card
    assert "| probe_accuracy_all | 0.5 | 0.499 | -0.10 |" in card
    assert_loads_rounded(directory, tiny_preset.weights, "float16")
    assert sorted(os.listdir(tmp_path)) == ["tiny_rotation"]
    with pytest.raises(ValueError, match="holds float16"):
        convert_preset_weights(directory, "bfloat16")


def test_a_custom_card_gets_the_new_sha_and_the_stored_weights_section(tmp_path, tiny_preset):
    directory = tiny_preset.copy_to(tmp_path)
    old = metadata_of(directory)
    with open(os.path.join(directory, "README.md"), "w") as file:
        size, sha = old["weights_bytes"], old["weights_sha256"]
        file.write(f"# tiny\n\n{size:,} bytes, float32, `{sha}`\n")
    new = convert_preset_weights(
        directory, "bfloat16", lambda path: {"probe_accuracy_all": 0.5}, command="c"
    )
    card = open(os.path.join(directory, "README.md")).read()
    assert card.startswith(
        f"# tiny\n\n{new['weights_bytes']:,} bytes, bfloat16, `{new['weights_sha256']}`\n"
    )
    assert "## Stored weights" in card and "in bfloat16" in card


def test_a_figure_that_moves_too_far_changes_nothing(tmp_path, tiny_preset):
    directory = tiny_preset.copy_to(tmp_path)
    files = {
        name: open(os.path.join(directory, name), "rb").read() for name in os.listdir(directory)
    }
    with pytest.raises(ValueError, match=r"probe_accuracy_all changes by 0.30 points in float16"):
        convert_preset_weights(
            directory, "float16", lambda path: {"probe_accuracy_all": 0.503}, command="c"
        )
    with pytest.raises(ValueError, match="some of the card's metrics"):
        convert_preset_weights(directory, "float16", lambda path: {"knn": 0.5}, command="c")
    with pytest.raises(ValueError, match="one of \\['float16', 'bfloat16'\\]"):
        convert_preset_weights(directory, "int8")
    assert {name: open(os.path.join(directory, name), "rb").read() for name in files} == files
    assert sorted(os.listdir(tmp_path)) == ["tiny_rotation"]


def test_a_truncated_half_precision_file_is_refused(tmp_path, tiny_preset):
    directory = tiny_preset.copy_to(tmp_path)
    convert_preset_weights(directory, "float16")
    path = os.path.join(directory, "model.weights.h5")
    with open(path, "rb") as file:
        content = file.read()
    with open(path, "wb") as file:
        file.write(content[: len(content) // 2])
    with pytest.raises(PresetError, match="failed verification.*truncated"):
        keras_ssl.RotationPrediction.from_preset(directory)


def test_a_value_float16_cannot_hold_is_refused(tmp_path):
    source, target = str(tmp_path / "a.weights.h5"), str(tmp_path / "b.weights.h5")
    with h5py.File(source, "w") as file:
        file.create_dataset("vars/0", data=np.array([1.0, 7e4], "float32"))
        file.create_dataset("vars/1", data=np.array([3, 4], "int64"))
    with pytest.raises(ValueError, match="vars/0 has values up to 7e\\+04.*bfloat16 or float32"):
        write_weights_as(source, target, "float16")
    write_weights_as(source, target, "bfloat16")
    with h5py.File(target, "r") as file:
        assert file["vars/0"].attrs["dtype"] == "bfloat16"
        np.testing.assert_array_equal(file["vars/1"][()], [3, 4])
    assert weights_file_dtypes(target) == ["bfloat16"]


def test_a_stored_dtype_outside_the_three_is_refused(tmp_path, tiny_preset):
    directory = tiny_preset.copy_to(tmp_path)
    metadata = dict(metadata_of(directory), weights_dtype="float64")
    with open(os.path.join(directory, "metadata.json"), "w") as file:
        json.dump(metadata, file)
    with pytest.raises(PresetError, match="weights_dtype must be one of"):
        read_preset(directory)
