"""The zoo's storage policy (zoo/README.md), checked without building a model.

- `zoo/` holds at most 90 MB (10^6 bytes), so the wheel stays under PyPI's
  100 MB per file;
- each preset's weights file has the size and sha256 its metadata and card
  state, and is stored in the dtype they state (read from the h5 datasets);
- weights stored in half precision carry the card's figures recomputed
  from them, each within 0.2 points of the float32 figure.
"""

import json
import os

import pytest

from keras_ssl.presets import weights_file_dtypes
from keras_ssl.presets.registry import shipped_presets

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ZOO = os.path.join(ROOT, "zoo")
ZOO_CAP_BYTES = 90 * 10**6
MAX_CHANGE_POINTS = 0.2
PRESETS = sorted(shipped_presets())


#: A recipe's training checkpoint (`zoo/NAME.trained.keras` and its
#: seconds): gitignored and not packaged, so not part of the zoo's size.
CHECKPOINT_SUFFIXES = (".trained.keras", ".trained.keras.json")


def zoo_files():
    """Every file under zoo/, less caches, hidden (half-written) entries and
    recipes' local training checkpoints."""
    for root, directories, files in os.walk(ZOO):
        directories[:] = [
            name for name in directories
            if not name.startswith(".") and name != "__pycache__"
        ]
        for name in files:
            if not name.startswith(".") and not name.endswith(CHECKPOINT_SUFFIXES):
                yield os.path.join(root, name)


def read(name, file_name):
    with open(os.path.join(shipped_presets()[name], file_name), encoding="utf-8") as file:
        return file.read()


def test_the_zoo_is_at_most_90_megabytes():
    total = sum(os.path.getsize(path) for path in zoo_files())
    assert total <= ZOO_CAP_BYTES, (
        f"zoo/ holds {total / 1e6:.1f} MB, over the 90 MB cap (zoo/README.md): "
        f"store weights in float16 (zoo/recipes/convert_preset_weights.py) or "
        f"ship a new preset's encoder alone."
    )


@pytest.mark.parametrize("name", PRESETS)
def test_the_weights_are_the_size_and_dtype_the_metadata_and_card_state(name):
    metadata = json.loads(read(name, "metadata.json"))
    path = os.path.join(shipped_presets()[name], "model.weights.h5")
    assert os.path.getsize(path) == metadata["weights_bytes"]
    assert weights_file_dtypes(path) == [metadata["weights_dtype"]]
    card = read(name, "README.md")
    assert (
        f"| model.weights.h5 | {metadata['weights_bytes']:,} bytes, "
        f"{metadata['weights_dtype']}, sha256 `{metadata['weights_sha256']}` |"
    ) in card


@pytest.mark.parametrize("name", PRESETS)
def test_half_precision_figures_are_within_a_fifth_of_a_point(name):
    metadata = json.loads(read(name, "metadata.json"))
    if metadata["weights_dtype"] == "float32":
        assert "weights_check" not in metadata
        return
    check, card = metadata["weights_check"], read(name, "README.md")
    compared = [  # the preset's own probe and kNN figures
        key for key in metadata["metrics"]
        if ("probe_accuracy" in key or "knn_accuracy" in key)
        and not key.startswith("random_init")
    ]
    assert sorted(check["metrics"]) == sorted(compared)
    changes = [
        100 * abs(check["metrics"][key] - metadata["metrics"][key]) for key in compared
    ]
    assert max(changes) <= MAX_CHANGE_POINTS + 1e-9
    assert check["max_change_points"] == pytest.approx(max(changes), abs=1e-4)
    assert f"{check['float32_weights_bytes']:,} bytes" in card
    assert "## Stored weights" in card and f"`{check['command']}`" in card
