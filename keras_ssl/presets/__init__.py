"""The zoo: list, load and verify pretrained presets, and write new ones.

A preset is a directory (see `preset_files.py`) named by a shipped name
(`list_presets()`), a local path, or an http(s) URL of an archive of one.
Loading always checks the weights' sha256 against `metadata.json` first.
"""

from keras_ssl.presets.preset_card import default_card
from keras_ssl.presets.preset_error import PresetError
from keras_ssl.presets.preset_files import read_preset
from keras_ssl.presets.registry import list_presets
from keras_ssl.presets.registry import resolve_preset
from keras_ssl.presets.registry import zoo_directories
from keras_ssl.presets.remote import cache_directory
from keras_ssl.presets.preset_saving import save_preset

__all__ = [
    "PresetError",
    "cache_directory",
    "default_card",
    "list_presets",
    "read_preset",
    "resolve_preset",
    "save_preset",
    "zoo_directories",
]
