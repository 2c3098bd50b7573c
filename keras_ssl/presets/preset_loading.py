"""Load a preset (name, directory or URL) as an SSL model or an encoder."""

import os

import keras

from keras_ssl.presets.preset_error import PresetError
from keras_ssl.presets.preset_files import ASSETS_DIRECTORY
from keras_ssl.presets.preset_files import CONFIG_FILE
from keras_ssl.presets.preset_files import LOCAL_REMEDY
from keras_ssl.presets.preset_files import read_preset
from keras_ssl.presets.registry import SHIPPED_REMEDY
from keras_ssl.presets.registry import shipped_presets
from keras_ssl.presets.registry import unknown_preset_message
from keras_ssl.presets.remote import fetch_preset
from keras_ssl.presets.remote import is_url
from keras_ssl.version import __version__


def resolve_preset(preset):
    """`(directory, remedy)` of a preset name, directory or http(s) URL.

    A shipped preset's name wins over a directory of the same name in the
    working directory; write `./name` to mean the directory.
    """
    if isinstance(preset, os.PathLike):
        preset = os.fspath(preset)
    if not isinstance(preset, str) or not preset:
        raise PresetError(
            f"A preset is a name, a directory or an http(s) URL; got {preset!r}."
        )
    if is_url(preset):
        return fetch_preset(preset)
    if "://" in preset:
        raise PresetError(
            f"{preset}: only http:// and https:// URLs are supported for "
            f"presets. Download it yourself and pass the unpacked directory."
        )
    shipped = shipped_presets()
    if preset in shipped:
        return shipped[preset], SHIPPED_REMEDY
    if os.path.isdir(preset):
        return preset, LOCAL_REMEDY
    if os.sep in preset or (os.altsep and os.altsep in preset):
        raise PresetError(f"No preset directory at {preset}: no such directory.")
    raise PresetError(unknown_preset_message(preset))


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


def load_encoder(preset):
    """The pretrained encoder of a preset: a plain `keras.Model`.

    Args:
        preset: str. A shipped preset's name (see `keras_ssl.list_presets()`),
            a preset directory, or an http(s) URL of a `.tar.gz`/`.zip`
            archive of one, optionally pinned with `#sha256=<hex>`.

    Returns:
        The encoder (e.g. a `ConvNet`), mapping images to feature vectors.

    Raises:
        PresetError (a ValueError): unknown name (the message lists the
            shipped presets), or files that are missing, malformed or fail
            their sha256 check.

    Example:
    ```python
    encoder = keras_ssl.load_encoder("simclr_convnet_mnist5k")
    features = encoder.predict(images / 255.0)
    ```
    """
    # Imported here: keras_ssl.methods imports this package (from_preset).
    from keras_ssl.methods.ssl_model import SSLModel

    return load_preset_model(preset, SSLModel, compile=False).encoder


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
