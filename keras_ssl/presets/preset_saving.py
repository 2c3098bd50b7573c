"""Write a trained SSL model as a preset directory, all at once; store an
existing preset's weights in half precision."""

import json
import os
import re
import shutil

import keras
import numpy as np

from keras_ssl.backend import backend_name
from keras_ssl.io.atomic_write import atomic_directory
from keras_ssl.presets.preset_files import ASSETS_DIRECTORY
from keras_ssl.presets.preset_files import CARD_FILE
from keras_ssl.presets.preset_files import CONFIG_FILE
from keras_ssl.presets.preset_files import PRESET_FILES
from keras_ssl.presets.preset_files import WEIGHTS_FILE
from keras_ssl.presets.preset_files import file_sha256
from keras_ssl.presets.preset_files import as_stored
from keras_ssl.presets.preset_files import model_config_json
from keras_ssl.presets.preset_files import read_preset
from keras_ssl.presets.preset_files import read_text
from keras_ssl.presets.preset_files import write_metadata
from keras_ssl.presets.preset_files import write_text
from keras_ssl.presets.preset_files import write_weights_as
from keras_ssl.presets.preset_metadata import FORMAT_VERSION
from keras_ssl.presets.preset_metadata import WEIGHTS_DTYPES
from keras_ssl.presets.preset_metadata import check_given_metadata
from keras_ssl.presets.preset_metadata import default_card
from keras_ssl.presets.preset_metadata import stored_weights_section
from keras_ssl.version import __version__

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def _weights_without_optimizer(model, config_json, scratch, dtype):
    """Save `model`'s weights through a fresh copy rebuilt from
    `config_json`: the file holds no optimizer state, and the config is
    proven to rebuild the model before anything is published. Weights
    stored in half precision are loaded back into the copy, which must then
    hold the originals rounded to `dtype`."""
    full_path = os.path.join(scratch, "with_optimizer.weights.h5")
    model.save_weights(full_path)
    copy = keras.saving.deserialize_keras_object(json.loads(config_json))
    if type(copy) is not type(model):
        raise ValueError(
            f"save_preset: the config of {type(model).__name__} rebuilds a "
            f"{type(copy).__name__}; fix its get_config/from_config."
        )
    copy.load_weights(full_path)
    weights_path = os.path.join(scratch, WEIGHTS_FILE)
    copy.save_weights(weights_path)
    os.remove(full_path)
    if dtype != "float32":
        write_weights_as(weights_path, full_path, dtype)
        os.replace(full_path, weights_path)
        copy.load_weights(weights_path)
    if len(copy.weights) != len(model.weights) or not all(
        np.array_equal(
            keras.ops.convert_to_numpy(a.value),
            as_stored(keras.ops.convert_to_numpy(b.value), dtype),
        )
        for a, b in zip(copy.weights, model.weights)
    ):
        raise ValueError(
            f"save_preset: {type(model).__name__} rebuilt from its config does "
            f"not get back the same weights (stored in {dtype}); fix its "
            f"get_config/from_config."
        )


def save_preset(
    model,
    directory,
    metadata,
    card=None,
    overwrite=False,
    extra_files=None,
    weights_dtype="float32",
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
        weights_dtype: str. "float32", "float16" or "bfloat16": how the
            floating weights are stored (loading casts them to the variables'
            dtype). Half precision halves the file; see zoo/README.md.

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
    if weights_dtype not in WEIGHTS_DTYPES:
        raise ValueError(f"save_preset: weights_dtype must be one of {list(WEIGHTS_DTYPES)}.")
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
    config_json = model_config_json(model)
    with atomic_directory(directory, overwrite=overwrite) as scratch:
        _weights_without_optimizer(model, config_json, scratch, weights_dtype)
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
            weights_dtype=weights_dtype,
            **metadata,
        )
        if card is None:
            card = default_card(metadata)
        elif callable(card):
            card = card(dict(metadata))
        write_text(os.path.join(scratch, CONFIG_FILE), config_json + "\n")
        write_metadata(scratch, metadata)
        write_text(os.path.join(scratch, CARD_FILE), card)
        for file_name, content in extra_files.items():
            if isinstance(content, bytes):
                with open(os.path.join(scratch, file_name), "wb") as file:
                    file.write(content)
            else:
                write_text(os.path.join(scratch, file_name), content)
        assets = os.path.join(scratch, ASSETS_DIRECTORY)
        os.mkdir(assets)
        model.save_preset_assets(assets)
        if not os.listdir(assets):
            os.rmdir(assets)
        read_preset(scratch)
    return metadata


def _converted_card(card, old, new):
    """The card, re-rendered if default, else patched and extended."""
    if card == default_card(old):
        return default_card(new)
    size = f"{old['weights_bytes']:,} bytes"
    stated = f"{size}, {old['weights_dtype']}" if "weights_dtype" in old else size
    card = card.replace(old["weights_sha256"], new["weights_sha256"]).replace(
        stated, f"{new['weights_bytes']:,} bytes, {new['weights_dtype']}"
    )
    return card.rstrip("\n") + "\n\n" + "\n".join(stored_weights_section(new))


def _weights_check(old, metrics, command, max_change_points, dtype):
    """`weights_check` of converted weights, or a ValueError if a figure moved
    by more than `max_change_points` (100 x an accuracy)."""
    metrics = {key: float(value) for key, value in metrics.items()}
    if not command or not metrics or not set(metrics) <= set(old["metrics"]):
        raise ValueError(
            f"convert_preset_weights: measure returned {sorted(metrics)}; it "
            f"must return some of the card's metrics {sorted(old['metrics'])}, "
            f"and command= must say how to rerun it."
        )
    changes = {key: 100 * abs(metrics[key] - old["metrics"][key]) for key in metrics}
    worst = max(changes, key=changes.get)
    if changes[worst] > max_change_points:
        raise ValueError(
            f"convert_preset_weights: {worst} changes by {changes[worst]:.2f} "
            f"points in {dtype} (more than {max_change_points}); nothing was "
            f"changed. Try bfloat16, or keep float32."
        )
    return dict(
        float32_weights_sha256=old["weights_sha256"],
        float32_weights_bytes=old["weights_bytes"], metrics=metrics,
        max_change_points=round(changes[worst], 4), command=command,
    )


def convert_preset_weights(
    directory, weights_dtype="float16", measure=None, command=None, max_change_points=0.2
):
    """Store a float32 preset's weights in half precision, atomically.

    The directory is rewritten whole (a hidden copy renamed over it): the
    weights in `weights_dtype`, the metadata and card with the new sha256,
    size and dtype. `measure` recomputes the card's figures from the copy
    first; if one moves by more than `max_change_points`, nothing changes.
    The card keeps the float32 figures and shows the recomputed ones.

    Args:
        directory: str. A preset directory whose weights are float32.
        weights_dtype: str. "float16" or "bfloat16".
        measure: callable or None. Gets the converted copy's directory,
            returns metric -> value for keys of the metadata's `metrics`.
        command: str. How to rerun the measurement, for the card.
        max_change_points: float. Largest change allowed (100 x accuracy).

    Returns:
        The new metadata dict.

    Example:
    ```python
    def measure(path):
        return keras_ssl.evaluation.mnist5k_metrics(keras_ssl.load_encoder(path))

    keras_ssl.presets.convert_preset_weights(
        "zoo/simclr_convnet_mnist5k", "float16", measure, command="python ...")
    ```
    """
    verified = read_preset(directory)
    old = verified.metadata
    stored = old.get("weights_dtype", "float32")
    if stored != "float32" or weights_dtype not in WEIGHTS_DTYPES[1:]:
        raise ValueError(
            f"convert_preset_weights converts float32 weights to one of "
            f"{list(WEIGHTS_DTYPES[1:])}; {directory} holds {stored}, and "
            f"{weights_dtype!r} was asked. Convert from the float32 preset."
        )
    with atomic_directory(directory, overwrite=True) as scratch:
        shutil.copytree(directory, scratch, dirs_exist_ok=True)
        weights_path = os.path.join(scratch, WEIGHTS_FILE)
        write_weights_as(verified.weights_path, weights_path, weights_dtype)
        new = dict(old, weights_sha256=file_sha256(weights_path), weights_dtype=weights_dtype,
                   weights_bytes=os.path.getsize(weights_path))
        write_metadata(scratch, new)
        if measure is not None:
            new["weights_check"] = _weights_check(
                old, measure(scratch), command, max_change_points, weights_dtype
            )
            write_metadata(scratch, new)
        card_path = os.path.join(scratch, CARD_FILE)
        card = read_text(card_path) if os.path.exists(card_path) else default_card(old)
        write_text(card_path, _converted_card(card, old, new))
        read_preset(scratch)
    return new
