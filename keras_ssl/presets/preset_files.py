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

The floating weights may be stored in float32, float16 or bfloat16 (Keras's
h5 convention: bfloat16 data carries the attribute `dtype="bfloat16"`).
Keras loads each value into its variable and casts it to the variable's own
dtype, so half-precision files load into float32 models.
"""

import collections
import hashlib
import json
import os

import h5py
import keras
import ml_dtypes
import numpy as np

from keras_ssl.presets.preset_metadata import WEIGHTS_DTYPES
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


def _without_compile_config(config):
    """The serialized model minus what `compile()` set (the preset holds no
    optimizer; `from_preset` compiles with the method's defaults)."""
    if isinstance(config, dict):
        return {
            key: _without_compile_config(value)
            for key, value in config.items()
            if key != "compile_config"
        }
    if isinstance(config, list):
        return [_without_compile_config(value) for value in config]
    return config


def model_config_json(model):
    """`config.json`'s text for `model`: its serialized config without the
    compile config."""
    config = _without_compile_config(keras.saving.serialize_keras_object(model))
    try:
        return json.dumps(config, indent=2, sort_keys=True)
    except TypeError as error:
        raise ValueError(
            f"save_preset: the config of {type(model).__name__} is not JSON "
            f"({error}); make get_config() return plain Python values."
        ) from error


def file_sha256(path, chunk_bytes=1 << 20):
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(chunk_bytes), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_text(path):
    with open(path, encoding="utf-8") as file:
        return file.read()


def write_text(path, text):
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


def write_metadata(directory, metadata):
    """Write `metadata.json` in a preset directory."""
    write_text(os.path.join(directory, METADATA_FILE), json.dumps(metadata, indent=2) + "\n")


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


NUMPY_WEIGHTS_DTYPES = {
    "float32": np.float32,
    "float16": np.float16,
    "bfloat16": ml_dtypes.bfloat16,
}


def _float_dtype(dataset):
    """A weights dataset's floating dtype name, or None (counters, seeds)."""
    marker = dataset.attrs.get("dtype")
    if marker in ("bfloat16", b"bfloat16"):
        return "bfloat16"
    return dataset.dtype.name if dataset.dtype.kind == "f" else None


def as_stored(value, dtype):
    """A numpy array as its variable holds it after `dtype` storage."""
    if not np.issubdtype(value.dtype, np.floating) or dtype == "float32":
        return value
    return value.astype(NUMPY_WEIGHTS_DTYPES[dtype]).astype(value.dtype)


def weights_file_dtypes(weights_path):
    """The sorted dtype names of the floating datasets of a weights file.

    Args:
        weights_path: str. A `model.weights.h5`.

    Example:
    ```python
    weights_file_dtypes("zoo/simclr_convnet_mnist5k/model.weights.h5")
    # ['float32']
    ```
    """
    found = set()

    def visit(_, item):
        if isinstance(item, h5py.Dataset) and _float_dtype(item):
            found.add(_float_dtype(item))

    with h5py.File(weights_path, "r") as file:
        file.visititems(visit)
    return sorted(found)


def _copy_group(source, target, dtype):
    target.attrs.update(source.attrs)
    for key, item in source.items():
        if isinstance(item, h5py.Group):
            _copy_group(item, target.create_group(key), dtype)
            continue
        attrs = {k: v for k, v in item.attrs.items() if k != "dtype"}
        kind = _float_dtype(item)
        if kind is None:
            value = item[()]
        else:
            wide = np.asarray(item[()])
            if kind == "bfloat16":  # stored as opaque 2-byte values
                wide = wide.view(ml_dtypes.bfloat16)
            wide = wide.astype(np.float32)
            with np.errstate(over="ignore"):
                value = wide.astype(NUMPY_WEIGHTS_DTYPES[dtype])
            if np.any(np.isfinite(wide) & ~np.isfinite(value.astype(np.float32))):
                raise ValueError(
                    f"{item.name} has values up to {np.abs(wide).max():.4g}, "
                    f"beyond what {dtype} holds (65504 for float16); store "
                    f"these weights in bfloat16 or float32."
                )
            if dtype == "bfloat16":
                attrs["dtype"] = "bfloat16"
        dataset = target.create_dataset(key, data=value, track_times=False)
        dataset.attrs.update(attrs)


def write_weights_as(source, target, dtype):
    """Copy a weights file, storing its floating datasets in `dtype`.

    Integer datasets (seed states, counters) are copied unchanged; so are
    the groups and attributes Keras reads back.

    Args:
        source: str. A `model.weights.h5` (any of the stored dtypes).
        target: str. The file to write.
        dtype: str. "float32", "float16" or "bfloat16".

    Raises:
        ValueError: an unknown dtype, or a finite value that `dtype`
            cannot hold (float16 overflows past 65504).

    Example:
    ```python
    write_weights_as("model.weights.h5", "half.weights.h5", "float16")
    ```
    """
    if dtype not in WEIGHTS_DTYPES:
        raise ValueError(
            f"weights dtype {dtype!r} is not one of {list(WEIGHTS_DTYPES)}."
        )
    with h5py.File(source, "r") as old, h5py.File(target, "w") as new:
        _copy_group(old, new, dtype)
