"""The files of a preset directory, and reading them with verification.

A preset is a directory holding:

- `config.json`: `keras.saving.serialize_keras_object` of the whole SSL
  model (no compile or build config);
- `model.weights.h5`: its weights (`model.save_weights`, no optimizer);
- `metadata.json`: how it was made and what it measured, with the sha256 of
  `model.weights.h5` (see `preset_metadata.py`);
- `README.md`: the card;
- `assets/` (optional): what the weights cannot hold, e.g. a tokenizer's
  vocabulary (`SSLModel.save_preset_assets` / `load_preset_assets`).

`read_preset` checks all of it before anything is built: the files exist,
both JSON files parse and have the expected shape, and the weights' sha256
matches `metadata.json`.
"""

import collections
import hashlib
import json
import os

from keras_ssl.presets.preset_metadata import PresetError
from keras_ssl.presets.preset_metadata import check_stored_metadata

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "metadata.json"
CARD_FILE = "README.md"
ASSETS_DIRECTORY = "assets"
PRESET_FILES = (CONFIG_FILE, WEIGHTS_FILE, METADATA_FILE, CARD_FILE)

# Files loading needs (the card is for people).
REQUIRED_FILES = (CONFIG_FILE, WEIGHTS_FILE, METADATA_FILE)

# What to do about a broken local preset directory; callers that know
# where the directory came from pass a more precise remedy.
LOCAL_REMEDY = (
    "Restore the preset directory from where you got it, or re-create it "
    "with keras_ssl.presets.save_preset."
)

VerifiedPreset = collections.namedtuple(
    "VerifiedPreset", ["directory", "config", "metadata", "weights_path"]
)


def file_sha256(path, chunk_bytes=1 << 20):
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(chunk_bytes), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_json(path, remedy):
    """The parsed JSON of `path`, or a `PresetError` naming the position."""
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except json.JSONDecodeError as error:
        raise PresetError(
            f"{path} is not valid JSON ({error.msg} at line {error.lineno}, "
            f"column {error.colno}). {remedy}"
        ) from error
    except UnicodeDecodeError as error:
        raise PresetError(f"{path} is not UTF-8 text ({error}). {remedy}") from error


def check_config(config, metadata, path, remedy):
    """`config.json` is a serialized keras_ssl model matching the metadata."""
    if not (
        isinstance(config, dict)
        and isinstance(config.get("class_name"), str)
        and isinstance(config.get("config"), dict)
        and isinstance(config.get("registered_name"), str)
    ):
        raise PresetError(
            f"{path} is malformed: it must be the JSON of "
            f"keras.saving.serialize_keras_object(model), an object with "
            f"'class_name', 'registered_name' and 'config'. {remedy}"
        )
    if config["class_name"] != metadata["method"]:
        raise PresetError(
            f"{path} holds a {config['class_name']} but metadata.json says "
            f"the method is {metadata['method']}; the preset is inconsistent. "
            f"{remedy}"
        )


def verify_weights(weights_path, metadata, remedy):
    """Refuse a weights file whose sha256 differs from `metadata.json`'s."""
    expected = metadata["weights_sha256"]
    actual = file_sha256(weights_path)
    if actual != expected:
        size = os.path.getsize(weights_path)
        raise PresetError(
            f"{weights_path} failed verification: metadata.json expects "
            f"sha256 {expected} ({metadata['weights_bytes']} bytes), the file "
            f"has sha256 {actual} ({size} bytes). It is corrupt, truncated or "
            f"was modified, so nothing was loaded. {remedy}"
        )


def read_preset(directory, remedy=LOCAL_REMEDY):
    """Read and verify a preset directory; returns a `VerifiedPreset`.

    Args:
        directory: str. The preset directory.
        remedy: str. What the user should do if the preset is broken (it
            depends on where the directory came from).

    Raises:
        PresetError: a file is missing, malformed or fails its sha256.
    """
    directory = os.fspath(directory)
    missing = [
        name for name in REQUIRED_FILES
        if not os.path.isfile(os.path.join(directory, name))
    ]
    if missing:
        raise PresetError(
            f"{directory} is not a complete preset: {missing} missing. A "
            f"preset directory holds {list(PRESET_FILES)}. {remedy}"
        )
    metadata_path = os.path.join(directory, METADATA_FILE)
    metadata = read_json(metadata_path, remedy)
    check_stored_metadata(metadata, metadata_path, remedy)
    weights_path = os.path.join(directory, WEIGHTS_FILE)
    verify_weights(weights_path, metadata, remedy)
    config_path = os.path.join(directory, CONFIG_FILE)
    config = read_json(config_path, remedy)
    check_config(config, metadata, config_path, remedy)
    return VerifiedPreset(directory, config, metadata, weights_path)
