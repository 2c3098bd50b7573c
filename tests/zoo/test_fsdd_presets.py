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
