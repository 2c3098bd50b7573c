"""The zoo: list, load and verify pretrained presets, and write new ones.

A preset is a directory (see `preset_files.py`) named by a shipped name
(`list_presets()`), a local path, or an http(s) URL of an archive of one.
Loading always checks the weights' sha256 against `metadata.json` first.

- `preset_metadata.py`: `PresetError`, the `metadata.json` schema and its
  checks, and `default_card` (the README.md rendered from the metadata);
- `preset_files.py`: the files of a preset directory, and `read_preset`,
  which reads and verifies them;
- `registry.py`: where shipped presets live, `list_presets`, and
  `resolve_preset` (a name, directory or URL -> a directory);
- `remote.py`: presets from http(s) archives, and their cache;
- `preset_saving.py`: `save_preset` (float32, float16 or bfloat16 weights)
  and `convert_preset_weights` (an existing preset's weights in half
  precision, with its figures re-checked).

Nothing here imports model code (`keras_ssl.methods`, `keras_ssl.encoders`)
or the loaders (`keras_ssl.loading`), which build models from presets.
"""

from keras_ssl.presets.preset_files import read_preset
from keras_ssl.presets.preset_files import weights_file_dtypes
from keras_ssl.presets.preset_metadata import PresetError
from keras_ssl.presets.preset_metadata import default_card
from keras_ssl.presets.preset_saving import convert_preset_weights
from keras_ssl.presets.preset_saving import save_preset
from keras_ssl.presets.registry import list_presets
from keras_ssl.presets.registry import resolve_preset
from keras_ssl.presets.registry import zoo_directories
from keras_ssl.presets.remote import cache_directory

__all__ = [
    "PresetError",
    "cache_directory",
    "convert_preset_weights",
    "default_card",
    "list_presets",
    "read_preset",
    "resolve_preset",
    "save_preset",
    "weights_file_dtypes",
    "zoo_directories",
]
