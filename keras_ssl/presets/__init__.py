"""The zoo: list, load and verify pretrained presets, and write new ones.

A preset is a directory (see `preset_files.py`) named by a shipped name
(`list_presets()`), a local path, or an http(s) URL of an archive of one.
Loading always checks the weights' sha256 against `metadata.json` first.
"""

from keras_ssl.presets.preset_loading import encoder_from_preset
from keras_ssl.presets.preset_loading import load_encoder
from keras_ssl.presets.preset_loading import load_preset_model
from keras_ssl.presets.preset_loading import resolve_preset
from keras_ssl.presets.preset_card import default_card
from keras_ssl.presets.preset_error import PresetError
from keras_ssl.presets.preset_files import read_preset
from keras_ssl.presets.registry import list_presets
from keras_ssl.presets.registry import zoo_directories
from keras_ssl.presets.remote import cache_directory
from keras_ssl.presets.preset_saving import save_preset

__all__ = [
    "PresetError",
    "cache_directory",
    "default_card",
    "encoder_from_preset",
    "list_presets",
    "load_encoder",
    "load_preset_model",
    "read_preset",
    "resolve_preset",
    "save_preset",
    "zoo_directories",
]
