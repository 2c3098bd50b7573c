"""Write a trained SSL model as a preset directory, all at once."""

import json
import os
import re

import keras
import numpy as np

from keras_ssl.backend import backend_name
from keras_ssl.io.atomic_write import atomic_directory
from keras_ssl.presets.preset_files import ASSETS_DIRECTORY
from keras_ssl.presets.preset_files import CARD_FILE
from keras_ssl.presets.preset_files import CONFIG_FILE
from keras_ssl.presets.preset_files import METADATA_FILE
from keras_ssl.presets.preset_files import PRESET_FILES
from keras_ssl.presets.preset_files import WEIGHTS_FILE
from keras_ssl.presets.preset_files import file_sha256
from keras_ssl.presets.preset_files import read_preset
from keras_ssl.presets.preset_metadata import FORMAT_VERSION
from keras_ssl.presets.preset_metadata import check_given_metadata
from keras_ssl.presets.preset_metadata import default_card
from keras_ssl.version import __version__

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


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


def _model_config_json(model):
    config = _without_compile_config(keras.saving.serialize_keras_object(model))
    try:
        return json.dumps(config, indent=2, sort_keys=True)
    except TypeError as error:
        raise ValueError(
            f"save_preset: the config of {type(model).__name__} is not JSON "
            f"({error}); make get_config() return plain Python values."
        ) from error


def _weights_without_optimizer(model, config_json, scratch):
    """Save `model`'s weights through a fresh copy rebuilt from
    `config_json`: the file holds no optimizer state, and the config is
    proven to rebuild the model before anything is published."""
    full_path = os.path.join(scratch, "with_optimizer.weights.h5")
    model.save_weights(full_path)
    copy = keras.saving.deserialize_keras_object(json.loads(config_json))
    if type(copy) is not type(model):
        raise ValueError(
            f"save_preset: the config of {type(model).__name__} rebuilds a "
            f"{type(copy).__name__}; fix its get_config/from_config."
        )
    copy.load_weights(full_path)
    os.remove(full_path)
    if len(copy.weights) != len(model.weights) or not all(
        np.array_equal(
            keras.ops.convert_to_numpy(a.value), keras.ops.convert_to_numpy(b.value)
        )
        for a, b in zip(copy.weights, model.weights)
    ):
        raise ValueError(
            f"save_preset: {type(model).__name__} rebuilt from its config does "
            f"not get back the same weights; fix its get_config/from_config."
        )
    copy.save_weights(os.path.join(scratch, WEIGHTS_FILE))


def _write_text(path, text):
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


def save_preset(
    model, directory, metadata, card=None, overwrite=False, extra_files=None
):
    """Write a trained SSL model as a preset directory, atomically.

    Everything is written into a hidden temporary directory beside
    `directory`, checked (the config rebuilds the model with identical
    weights; the written preset passes `read_preset`'s verification), and
    renamed into place in one step: `directory` never exists half-written.

    The directory holds `config.json` (the serialized model, without its
    compile config), `model.weights.h5` (its weights, without optimizer
    state), `metadata.json` (`metadata` plus the derived keys: name,
    method, encoder, parameter counts, keras/keras_ssl versions, backend,
    and the weights' sha256 and size), `README.md` (the card) and, for
    models that have one, `assets/` (e.g. a tokenizer's vocabulary, written
    by `model.save_preset_assets`).

    Args:
        model: `keras_ssl.SSLModel`. The trained model (compiled or not).
        directory: str. The preset directory to create; its last part is
            the preset's name (letters, digits, `_`, `.`, `-`).
        metadata: dict. What the trainer knows: `data`, `split`, `epochs`,
            `batch_size`, `seed`, `metrics` (name -> number measured on
            held-out data), `headline_metric` (a key of `metrics`); and
            optionally `description` and any other JSON values (hardware,
            run time, optimizer, recipe).
        card: str or None. The card's markdown; None writes a default card
            from the metadata (`default_card`). A callable gets the complete
            metadata and returns the markdown.
        overwrite: bool. Replace an existing `directory` (the old one stays
            whole until the new one is complete).
        extra_files: dict of file name -> str (text) or bytes, or None.
            Files written beside the others (e.g. held-out data the metrics
            were measured on), in the same atomic step.

    Returns:
        The complete metadata dict that was written.

    Example:
    ```python
    keras_ssl.presets.save_preset(
        model,
        "zoo/rotation_convnet_mnist5k",
        metadata={
            "data": "mnist5k", "split": "train", "epochs": 30,
            "batch_size": 256, "seed": 0,
            "metrics": {"probe_accuracy_10_per_class": 0.91},
            "headline_metric": "probe_accuracy_10_per_class",
        },
    )
    ```
    """
    if not isinstance(model, keras.Model) or not isinstance(
        getattr(model, "encoder", None), keras.Model
    ):
        raise ValueError(
            f"save_preset takes a keras_ssl SSL model (with an .encoder); "
            f"got {type(model).__name__}."
        )
    extra_files = dict(extra_files or {})
    for file_name in extra_files:
        if file_name in PRESET_FILES + (ASSETS_DIRECTORY,) or not _NAME.fullmatch(file_name):
            raise ValueError(
                f"save_preset: extra_files may not be named {file_name!r}; use "
                f"a plain file name other than {', '.join(PRESET_FILES)}."
            )
    metadata = check_given_metadata(metadata)
    directory = os.path.abspath(os.fspath(directory))
    name = os.path.basename(directory)
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"save_preset: {name!r} is not a valid preset name; use letters, "
            f"digits, '_', '.' and '-', starting with a letter or digit."
        )
    if os.path.lexists(directory) and not overwrite:
        raise FileExistsError(
            f"save_preset: {directory} already exists; pass overwrite=True to "
            f"replace it."
        )
    config_json = _model_config_json(model)
    with atomic_directory(directory, overwrite=overwrite) as scratch:
        _weights_without_optimizer(model, config_json, scratch)
        weights_path = os.path.join(scratch, WEIGHTS_FILE)
        metadata = dict(
            format_version=FORMAT_VERSION,
            name=name,
            method=type(model).__name__,
            encoder=type(model.encoder).__name__,
            parameters=int(model.count_params()),
            encoder_parameters=int(model.encoder.count_params()),
            keras_version=keras.__version__,
            keras_ssl_version=__version__,
            backend=backend_name(),
            weights_sha256=file_sha256(weights_path),
            weights_bytes=os.path.getsize(weights_path),
            **metadata,
        )
        if card is None:
            card = default_card(metadata)
        elif callable(card):
            card = card(dict(metadata))
        _write_text(os.path.join(scratch, CONFIG_FILE), config_json + "\n")
        _write_text(
            os.path.join(scratch, METADATA_FILE),
            json.dumps(metadata, indent=2) + "\n",
        )
        _write_text(os.path.join(scratch, CARD_FILE), card)
        for file_name, content in extra_files.items():
            if isinstance(content, bytes):
                with open(os.path.join(scratch, file_name), "wb") as file:
                    file.write(content)
            else:
                _write_text(os.path.join(scratch, file_name), content)
        assets = os.path.join(scratch, ASSETS_DIRECTORY)
        os.mkdir(assets)
        model.save_preset_assets(assets)
        if not os.listdir(assets):
            os.rmdir(assets)
        read_preset(scratch)
    return metadata
