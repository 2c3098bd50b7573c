"""The FSDD protocol: its splits are fsdd()'s, its draws the same for every
encoder, its row the probes it is made of, and its table formatting."""

import os

import numpy as np
import pytest

from keras_ssl.data.audio_features import float_waveforms
from keras_ssl.data.audio_features import log_mel_statistics
from keras_ssl.datasets import FSDD_SUBSET
from keras_ssl.datasets import fsdd
from keras_ssl.encoders import Wav2Vec2Encoder
from keras_ssl.evaluation import fsdd_header
from keras_ssl.evaluation import fsdd_metrics
from keras_ssl.evaluation import fsdd_row
from keras_ssl.evaluation import fsdd_protocol
from keras_ssl.evaluation import linear_probe
from keras_ssl.evaluation.fsdd_protocol import fsdd_features
from keras_ssl.evaluation.fsdd_protocol import fsdd_recordings
from keras_ssl.evaluation.fsdd_protocol import fsdd_split_indices

SPEAKERS = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")
REAL_FSDD = os.path.join(
    os.path.dirname(__file__), os.pardir, os.pardir, os.pardir, "shared", "data", "fsdd"
)
needs_real_fsdd = pytest.mark.skipif(
    not os.path.isdir(os.path.join(REAL_FSDD, "recordings")),
    reason="the full FSDD is not at ../shared/data/fsdd (CI has it)",
)


def tiny_encoder():
    return Wav2Vec2Encoder(conv_dim=8, hidden_dim=8, num_layers=1, num_heads=2,
                           mlp_dim=16, position_kernel=4, position_groups=2)


def test_the_splits_are_fsdds():
    audio, digits, speakers, takes = fsdd_recordings(FSDD_SUBSET)
    lengths = audio["padding_mask"].sum(axis=1)
    for speaker in (None,) + SPEAKERS:
        indices = fsdd_split_indices(speakers, takes, "test", speaker)
        for split, index in zip(("train", "test"), indices):
            part, labels = fsdd(split, path=FSDD_SUBSET, held_out_speaker=speaker)
            np.testing.assert_array_equal(digits[index], labels)
            np.testing.assert_array_equal(lengths[index], part["padding_mask"].sum(axis=1))


def test_validation_never_reads_takes_0_to_4():
    speakers = np.repeat(np.array(SPEAKERS), 500)
    takes = np.tile(np.arange(50), 60)
    train, test = fsdd_split_indices(speakers, takes, "validation")
    assert sorted(set(takes[train])) == list(range(10, 50))
    assert sorted(set(takes[test])) == list(range(5, 10))
    train, test = fsdd_split_indices(speakers, takes, "validation", "lucas")
    assert "lucas" not in set(speakers[train]) and set(speakers[test]) == {"lucas"}
    assert takes[train].min() == 10 and sorted(set(takes[test])) == list(range(5, 10))
    train, test = fsdd_split_indices(speakers, takes, "test", "lucas")
    assert len(train) == 2250 and len(test) == 50 and takes[test].max() == 4


class RecordingProbe:
    """Stands in for linear_probe: remembers what it was trained and tested
    on; its 'accuracy' is the number of training rows / 1000."""

    def __init__(self):
        self.calls = []

    def __call__(self, encoder, train, val, **kwargs):
        assert encoder is None and kwargs == {"seed": 0, "epochs": 7}
        self.calls.append((train[0], train[1], val[0], val[1]))
        return {"accuracy": len(train[1]) / 1000}


def test_the_structure_and_the_same_draws_for_every_encoder(monkeypatch):
    audio, digits, speakers, takes = fsdd_recordings(FSDD_SUBSET)
    probes = {}
    for name, given in (("log_mel", "log_mel"), ("index", np.arange(120.0)[:, None])):
        probes[name] = probe = RecordingProbe()
        monkeypatch.setattr(fsdd_protocol, "linear_probe", probe)
        metrics = fsdd_metrics(given, FSDD_SUBSET, draws=2, probe_kwargs={"epochs": 7},
                               progress=False)
        assert len(probe.calls) == 7 * 3  # Official + six speakers, all + 2 draws.
    # Official: 60 training takes; 50 with 5 per class. One speaker held
    # out: 50 takes of five speakers (5 per class is all of them).
    assert metrics["probe_accuracy_all"] == 0.06
    assert metrics["probe_accuracy_5_per_class"] == 0.05
    assert metrics["probe_accuracy_5_per_class_std"] == 0.0
    assert metrics["probe_accuracy_held_out_all"] == 0.05
    assert metrics["probe_accuracy_held_out_theo_5_per_class"] == 0.05
    assert len(metrics) == 3 + 2 * (2 + len(SPEAKERS))
    # The index 'encoder' names the recordings: the log-mel probes saw the
    # log-mel features of exactly those, and the same 5-per-class draws.
    log_mel = log_mel_statistics(audio)
    draws = []
    for logged, indexed in zip(probes["log_mel"].calls, probes["index"].calls):
        train, test = indexed[0][:, 0].astype(int), indexed[2][:, 0].astype(int)
        np.testing.assert_allclose(logged[0], log_mel[train])
        np.testing.assert_allclose(logged[2], log_mel[test])
        np.testing.assert_array_equal(logged[1], digits[train])
        draws.append(tuple(train))
    assert draws[1] != draws[2]  # The two official draws differ (seeds 0, 1).
    assert set(np.bincount(digits[list(draws[1])])) == {5}
    official_test = probes["index"].calls[0][2][:, 0].astype(int)
    assert set(takes[official_test]) == {0}


def test_the_fine_tune_hook_gets_audio_of_the_same_recordings(monkeypatch):
    monkeypatch.setattr(fsdd_protocol, "linear_probe", RecordingProbe())
    seen = []

    def fine_tune(train, test, seed):
        (train_audio, train_labels), (test_audio, test_labels) = train, test
        assert train_audio["waveform"].dtype == np.int16
        seen.append(seed)
        return {"accuracy": len(train_labels) / 100}

    metrics = fsdd_metrics("mfcc", FSDD_SUBSET, draws=2, speakers=["theo"], fine_tune=fine_tune,
                           probe_kwargs={"epochs": 7}, progress=False)
    assert seen == [0, 0, 1] * 2
    assert metrics["fine_tune_accuracy_all"] == 0.6
    assert metrics["fine_tune_accuracy_held_out_theo_5_per_class"] == 0.5
    header = fsdd_header(metrics).splitlines()[0]
    assert header.count("fine-tuned") == 4 and header.count("probe") == 4
    row = fsdd_row("mfcc", metrics).split(" | ")
    assert len(row) == 9 and row[5] == "60.0"


def test_fine_tune_budgets_all_fine_tunes_only_with_all_labels(monkeypatch):
    monkeypatch.setattr(fsdd_protocol, "linear_probe", RecordingProbe())
    sizes = []

    def fine_tune(train, test, seed):
        sizes.append(len(train[1]))
        return 0.25

    metrics = fsdd_metrics("mfcc", FSDD_SUBSET, draws=2, speakers=["theo", "lucas"],
                           fine_tune=fine_tune, fine_tune_budgets=("all",),
                           probe_kwargs={"epochs": 7}, progress=False)
    assert sizes == [60, 50, 50]  # official, then each held-out speaker: all labels
    assert metrics["fine_tune_accuracy_all"] == 0.25
    assert metrics["fine_tune_accuracy_held_out_all"] == 0.25
    assert not any("fine_tune" in name and "per_class" in name for name in metrics)
    header = fsdd_header(metrics).splitlines()[0]
    assert header.count("fine-tuned") == 2
    assert len(fsdd_row("mfcc", metrics).split(" | ")) == 7
    with pytest.raises(ValueError, match="fine_tune_budgets"):
        fsdd_metrics("mfcc", FSDD_SUBSET, fine_tune=fine_tune, fine_tune_budgets=("some",))


def test_the_row_is_its_parts():
    encoder = tiny_encoder()
    audio, digits, speakers, takes = fsdd_recordings(FSDD_SUBSET)
    waveform, lengths = float_waveforms(audio)
    padded = {"waveform": waveform, "padding_mask": audio["padding_mask"]}
    features = fsdd_features(encoder, audio)
    np.testing.assert_allclose(features, encoder.predict(padded, verbose=0), atol=1e-5)
    metrics = fsdd_metrics(encoder, FSDD_SUBSET, draws=1, speakers=["theo"],
                           probe_kwargs={"epochs": 3}, progress=False)
    train, test = fsdd_split_indices(speakers, takes, "test")
    official = linear_probe(None, (features[train], digits[train]),
                            (features[test], digits[test]), epochs=3)
    assert metrics["probe_accuracy_all"] == round(official["accuracy"], 4)
    train, test = fsdd_split_indices(speakers, takes, "test", "theo")
    theo = linear_probe(None, (features[train], digits[train]),
                        (features[test], digits[test]), epochs=3)
    assert metrics["probe_accuracy_held_out_theo_all"] == round(theo["accuracy"], 4)
    assert metrics["probe_accuracy_held_out_all"] == metrics["probe_accuracy_held_out_theo_all"]
    assert metrics["probe_accuracy_held_out_all_std"] == 0.0
    header = fsdd_header()
    assert header.splitlines()[0] == (
        "| encoder | probe, all labels | probe, 5/class | probe, new speaker, all "
        "labels | probe, new speaker, 5/class |"
    )
    row = fsdd_row("random init", metrics)
    assert row.startswith(f"| random init | {100 * metrics['probe_accuracy_all']:.1f} | ")
    assert row.count("±") == 3


def test_bad_arguments_are_clear_errors(monkeypatch):
    monkeypatch.setattr(fsdd_protocol, "linear_probe", RecordingProbe())
    kwargs = {"probe_kwargs": {"epochs": 7}, "progress": False}
    with pytest.raises(ValueError, match="Unknown split 'dev'"):
        fsdd_metrics("log_mel", FSDD_SUBSET, split="dev")
    with pytest.raises(ValueError, match="draws must be a positive int"):
        fsdd_metrics("log_mel", FSDD_SUBSET, draws=0)
    with pytest.raises(ValueError, match="per_class must be a positive int"):
        fsdd_metrics("log_mel", FSDD_SUBSET, per_class=1.5)
    with pytest.raises(ValueError, match="fine_tune must be None or a callable"):
        fsdd_metrics("log_mel", FSDD_SUBSET, fine_tune="classifier")
    with pytest.raises(ValueError, match="Unknown baseline 'spectrogram'"):
        fsdd_metrics("spectrogram", FSDD_SUBSET)
    with pytest.raises(ValueError, match=r"speakers must name some of .*'zoe'"):
        fsdd_metrics("log_mel", FSDD_SUBSET, speakers=["zoe"])
    with pytest.raises(ValueError, match=r"Given features have shape \(3000, 8\)"):
        fsdd_metrics(np.zeros((3000, 8)), FSDD_SUBSET)
    with pytest.raises(ValueError, match="Class 0 has 6 examples; cannot take 7"):
        fsdd_metrics(np.zeros((120, 8)), FSDD_SUBSET, per_class=7, **kwargs)
    with pytest.raises(ValueError, match=r"takes are \[0, 5\]. Pass path="):
        fsdd_metrics(np.zeros((120, 8)), FSDD_SUBSET, split="validation", **kwargs)


@pytest.mark.large
@needs_real_fsdd
def test_log_mel_baseline_on_the_real_recordings():
    metrics = fsdd_metrics("log_mel", REAL_FSDD, draws=1, speakers=["theo"],
                           split="validation", progress=False)
    assert metrics["probe_accuracy_all"] > 0.8
    assert metrics["probe_accuracy_5_per_class"] > 0.4
