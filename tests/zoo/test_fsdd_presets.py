"""The FSDD (speech) presets: each beats its random-init encoder on the
recordings shipped with keras_ssl, and (large, with the 3,000 real
recordings) its card is `fsdd_metrics`' output on its weights."""

import os

import pytest

import keras_ssl
from keras_ssl.datasets import FSDD_SUBSET
from keras_ssl.evaluation.fine_tune import random_init_copy
from keras_ssl.presets.preset_files import read_preset
from keras_ssl.presets.registry import shipped_presets

FSDD_PRESETS = sorted(
    name for name, path in shipped_presets().items()
    if read_preset(path).metadata["data"].startswith("The Free Spoken Digit Dataset")
)

REAL_FSDD = os.environ.get(
    "KERAS_SSL_FSDD",
    os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "fsdd"),
)


@pytest.mark.parametrize("name", FSDD_PRESETS)
def test_the_preset_beats_its_random_init_encoder_on_the_shipped_clips(name):
    # The 120 shipped recordings: probe on take 5 of every digit and speaker,
    # scored on take 0 (official split) and on each held-out speaker.
    encoder = keras_ssl.load_encoder(name)
    assert encoder.sample_rate == 8000
    settings = dict(path=FSDD_SUBSET, draws=1, speakers=["jackson", "theo"], progress=False)
    pretrained = keras_ssl.evaluation.fsdd_metrics(encoder, **settings)
    random = keras_ssl.evaluation.fsdd_metrics(random_init_copy(encoder), **settings)
    assert pretrained["probe_accuracy_all"] >= random["probe_accuracy_all"] + 0.1, (
        pretrained, random
    )


@pytest.mark.large
@pytest.mark.skipif(
    not os.path.isdir(REAL_FSDD),
    reason="FSDD's 3,000 recordings are not here: git clone "
    "https://github.com/Jakobovski/free-spoken-digit-dataset and set KERAS_SSL_FSDD",
)
@pytest.mark.parametrize("name", FSDD_PRESETS)
def test_the_card_is_the_protocols_output(name):
    card = read_preset(shipped_presets()[name]).metadata["metrics"]
    measured = keras_ssl.evaluation.fsdd_metrics(
        keras_ssl.load_encoder(name), REAL_FSDD, progress=False
    )
    for key in ("probe_accuracy_all", "probe_accuracy_5_per_class",
                "probe_accuracy_held_out_all", "probe_accuracy_held_out_5_per_class"):
        assert abs(measured[key] - card[key]) <= 0.01, (key, measured[key], card[key])


def fine_tuned_rows(name):
    """README rows of a preset's fine-tuned and from-scratch columns."""
    metadata = read_preset(shipped_presets()[name]).metadata
    rows = []
    for title, metrics in ((f"`{name}`, fine-tuned", metadata["fine_tune_metrics"]),
                           ("supervised from scratch (random-init, same recipe)",
                            metadata["from_scratch_metrics"])):
        rows.append(
            f"| {title} | {100 * metrics['fine_tune_accuracy_all']:.1f} | "
            f"{100 * metrics['fine_tune_accuracy_held_out_all']:.1f} ± "
            f"{100 * metrics['fine_tune_accuracy_held_out_all_std']:.1f} |"
        )
    return rows


@pytest.mark.parametrize("name", FSDD_PRESETS)
def test_fine_tuned_columns_agree_with_the_card_and_the_readme(name):
    metadata = read_preset(shipped_presets()[name]).metadata
    if "fine_tune_metrics" not in metadata:
        pytest.skip(f"{name} has no fine-tuned columns yet (zoo/recipes/fsdd_fine_tune_columns.py)")
    for metrics in (metadata["fine_tune_metrics"], metadata["from_scratch_metrics"]):
        held_out = [value for key, value in metrics.items()
                    if key.startswith("fine_tune_accuracy_held_out_") and key.count("_") == 6
                    and not key.endswith("_std")]
        assert len(held_out) == 6
        assert abs(sum(held_out) / 6 - metrics["fine_tune_accuracy_held_out_all"]) < 1e-3
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    with open(os.path.join(root, "README.md"), encoding="utf-8") as file:
        readme = file.read().splitlines()
    with open(os.path.join(shipped_presets()[name], "README.md"), encoding="utf-8") as file:
        card = file.read()
    for row in fine_tuned_rows(name):
        assert row in readme, row
    assert metadata["fine_tune_recipe"] in card
