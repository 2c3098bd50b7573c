"""Where shipped presets live, and the list of them.

The repository's top-level `zoo/` holds one directory per preset. `pip
install .` installs it as the package `keras_ssl.zoo` (see setup.py), found
here with `importlib.resources`; when keras_ssl is imported from a
checkout, `zoo/` beside the `keras_ssl/` directory is used. A preset's
name is its directory's name.
"""

import importlib.resources
import os

from keras_ssl.presets.preset_files import LOCAL_REMEDY
from keras_ssl.presets.preset_files import METADATA_FILE
from keras_ssl.presets.preset_files import WEIGHTS_FILE
from keras_ssl.presets.preset_files import read_json
from keras_ssl.presets.preset_metadata import PresetError
from keras_ssl.presets.preset_metadata import check_stored_metadata
from keras_ssl.presets.remote import fetch_preset
from keras_ssl.presets.remote import is_url

# Directories of zoo/ that are not presets.
NOT_PRESETS = ("recipes",)

SHIPPED_REMEDY = (
    "Reinstall keras-ssl (pip install --force-reinstall keras-ssl), or in a "
    "checkout restore it with `git checkout -- zoo/`."
)


def _installed_zoo():
    try:
        files = importlib.resources.files("keras_ssl.zoo")
    except ModuleNotFoundError:
        return None
    path = str(files)
    return path if os.path.isdir(path) else None


def _checkout_zoo():
    # keras_ssl/presets/registry.py -> the directory holding keras_ssl/.
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    zoo = os.path.join(root, "zoo")
    if os.path.isfile(os.path.join(root, "setup.py")) and os.path.isdir(zoo):
        return zoo
    return None


def zoo_directories():
    """Directories holding shipped presets, installed package first."""
    found = []
    for path in (_installed_zoo(), _checkout_zoo()):
        if path and os.path.realpath(path) not in map(os.path.realpath, found):
            found.append(path)
    return found


def shipped_presets():
    """`{name: directory}` of every shipped preset (the first zoo wins)."""
    presets = {}
    for zoo in zoo_directories():
        for name in sorted(os.listdir(zoo)):
            path = os.path.join(zoo, name)
            if (
                name.startswith((".", "_"))
                or name in NOT_PRESETS
                or name in presets
                or not os.path.isfile(os.path.join(path, METADATA_FILE))
            ):
                continue
            presets[name] = path
    return presets


def list_presets():
    """The shipped presets: name, method, encoder, data and headline metric.

    Reads each preset's `metadata.json` (weights are neither read nor
    verified here; loading does that). `keras-ssl presets` prints this as
    a table.

    Returns:
        A list of dicts sorted by name, with keys `name`, `method`,
        `encoder`, `data`, `split`, `headline_metric`, `headline_value`,
        `metrics` (all measured metrics), `weights_bytes`, `description`
        and `path` (the preset directory).

    Example:
    ```python
    for preset in keras_ssl.list_presets():
        print(preset["name"], preset["headline_metric"], preset["headline_value"])
    encoder = keras_ssl.load_encoder(keras_ssl.list_presets()[0]["name"])
    ```
    """
    listed = []
    for name, path in sorted(shipped_presets().items()):
        metadata_path = os.path.join(path, METADATA_FILE)
        metadata = read_json(metadata_path, SHIPPED_REMEDY)
        check_stored_metadata(metadata, metadata_path, SHIPPED_REMEDY)
        listed.append({
            "name": name,
            "method": metadata["method"],
            "encoder": metadata["encoder"],
            "data": metadata["data"],
            "split": metadata["split"],
            "headline_metric": metadata["headline_metric"],
            "headline_value": metadata["metrics"][metadata["headline_metric"]],
            "metrics": dict(metadata["metrics"]),
            "weights_bytes": metadata["weights_bytes"],
            "description": metadata.get("description", ""),
            "path": path,
        })
    return listed


def unknown_preset_message(preset):
    """The error text for a name that is neither a preset nor a path."""
    names = sorted(shipped_presets())
    available = ", ".join(names) if names else "none are installed"
    return (
        f"Unknown preset {preset!r}. Shipped presets: {available}. A preset "
        f"can also be a preset directory (holding config.json, "
        f"{WEIGHTS_FILE}, metadata.json) or an http(s) URL of a .tar.gz or "
        f".zip archive of one (append #sha256=HEX to pin the archive's hash)."
    )


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
