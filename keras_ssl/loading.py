"""Load a preset (name, directory or URL) as an SSL model or an encoder.

Model code lives outside `keras_ssl.presets` (which holds only files and
their checks): classes are found by their registered Keras names, so this
module imports no method or encoder either.
"""

import json
import os

import keras

from keras_ssl.presets.preset_files import ASSETS_DIRECTORY
from keras_ssl.presets.preset_files import CONFIG_FILE
from keras_ssl.presets.preset_files import LOCAL_REMEDY
from keras_ssl.presets.preset_files import read_preset
from keras_ssl.presets.preset_metadata import PresetError
from keras_ssl.presets.registry import resolve_preset
from keras_ssl.version import __version__


def _registered_class(config, path):
    registered = config["registered_name"]
    found = keras.saving.get_registered_object(registered)
    if not isinstance(found, type) or not issubclass(found, keras.Model):
        raise PresetError(
            f"{path} holds a {registered}, which this installation cannot "
            f"build (no such registered keras_ssl model; keras_ssl "
            f"{__version__}). A newer keras-ssl may have it: upgrade."
        )
    return found


def load_preset_model(preset, expected_class, compile=True):
    """Build the SSL model a preset holds, after verifying its files.

    Args:
        preset: str. Name, directory or http(s) URL (see `resolve_preset`).
        expected_class: class. The model must be an instance of it.
        compile: bool. `compile()` it with the method's defaults, so `fit`
            can continue the pretraining straight away.
    """
    directory, remedy = resolve_preset(preset)
    verified = read_preset(directory, remedy)
    config_path = os.path.join(directory, CONFIG_FILE)
    model_class = _registered_class(verified.config, config_path)
    if not issubclass(model_class, expected_class):
        raise PresetError(
            f"Preset {preset!r} holds a {model_class.__name__} model, which "
            f"is not a {expected_class.__name__}. Load it with "
            f"keras_ssl.{model_class.__name__}.from_preset({preset!r}) (or "
            f"keras_ssl.SSLModel.from_preset, which takes any method)."
        )
    try:
        model = keras.saving.deserialize_keras_object(verified.config)
    except Exception as error:
        raise PresetError(
            f"{config_path} could not be rebuilt into a "
            f"{model_class.__name__}: {error}. {remedy}"
        ) from error
    try:
        model.load_weights(verified.weights_path)
    except Exception as error:
        raise PresetError(
            f"{verified.weights_path} does not fit the model of "
            f"{config_path}: {error}. {remedy}"
        ) from error
    assets = os.path.join(directory, ASSETS_DIRECTORY)
    if os.path.isdir(assets):
        try:
            model.load_preset_assets(assets)
        except Exception as error:
            raise PresetError(
                f"{assets} could not be loaded into the model of "
                f"{config_path}: {error}. {remedy}"
            ) from error
    if compile:
        model.compile()
    return model


def load_encoder(preset, pooling=None):
    """The pretrained encoder of a preset: a plain `keras.Model`.

    keras_ssl's presets are checked against the sha256 of their metadata.
    A keras-hub preset (a directory saved by keras-hub's `save_to_preset`,
    or a `kaggle://` / `hf://` handle, which needs a connection) is loaded
    by keras-hub's own `Backbone.from_preset`, with keras-hub's checks, and
    wrapped by `keras_ssl.encoders.from_keras_hub(backbone, pooling)`.

    Args:
        preset: str. A shipped preset's name (see `keras_ssl.list_presets()`),
            a preset directory, or an http(s) URL of a `.tar.gz`/`.zip`
            archive of one, optionally pinned with `#sha256=<hex>`; or a
            keras-hub preset directory or handle.
        pooling: None, "avg", "max" or "cls": keras-hub presets only (see
            `from_keras_hub`).

    Returns:
        The encoder (e.g. a `ConvNet`), mapping images to feature vectors.

    Raises:
        PresetError (a ValueError): unknown name (the message lists the
            shipped presets), or files that are missing, malformed or fail
            their sha256 check.

    Example:
    ```python
    encoder = keras_ssl.load_encoder("simclr_convnet_mnist5k")
    features = encoder.predict(images)  # pixels 0-255, uint8 or float
    ```
    """
    if is_keras_hub_preset(preset):
        # By its registered name: the encoders import this module.
        wrapper = keras.saving.get_registered_object("keras_ssl>KerasHubEncoder")
        return wrapper.from_keras_hub_preset(preset, pooling=pooling)
    if pooling is not None:
        raise ValueError(
            f"pooling= applies to keras-hub presets; {preset!r} is a keras_ssl "
            f"preset, whose encoder has its own pooling."
        )
    # Found by its registered name: importing keras_ssl.methods here would
    # make a cycle (SSLModel.from_preset calls into this module).
    ssl_model = keras.saving.get_registered_object("keras_ssl>SSLModel")
    return load_preset_model(preset, ssl_model, compile=False).encoder


def encoder_from_preset(cls, preset):
    """Load the encoder of an SSL preset, checking it is a `cls`.

    Args:
        preset: str. A preset name, directory or http(s) URL (see
            `keras_ssl.load_encoder`).

    Returns:
        The pretrained encoder, an instance of this class.

    Example:
    ```python
    encoder = keras_ssl.encoders.ConvNet.from_preset("simclr_convnet_mnist5k")
    ```
    """
    encoder = load_encoder(preset)
    if not isinstance(encoder, cls):
        raise PresetError(
            f"Preset {preset!r} holds a {type(encoder).__name__} encoder, not "
            f"a {cls.__name__}. Load it with keras_ssl.encoders."
            f"{type(encoder).__name__}.from_preset({preset!r}) or "
            f"keras_ssl.load_encoder({preset!r})."
        )
    return encoder


#: Handles keras-hub's loader downloads from (it needs a connection).
KERAS_HUB_SCHEMES = ("kaggle://", "hf://")


def is_keras_hub_preset(preset):
    """True for a `kaggle://`/`hf://` handle or a directory saved by keras-hub
    (its `config.json` names a `keras_hub` module)."""
    if not isinstance(preset, str):
        return False
    if preset.startswith(KERAS_HUB_SCHEMES):
        return True
    config_path = os.path.join(preset, CONFIG_FILE)
    if not os.path.isfile(config_path):
        return False
    try:
        with open(config_path) as config_file:
            config = json.load(config_file)
    except (OSError, ValueError):
        return False
    return isinstance(config, dict) and str(config.get("module", "")).startswith(
        "keras_hub"
    )
