import os
import shutil
import warnings
import wave

import numpy as np
import pytest

import keras_ssl
from keras_ssl.datasets import FSDD_SUBSET
from keras_ssl.datasets import fsdd

# CI has the whole data set beside the repository.
REAL_FSDD = os.path.join(
    os.path.dirname(__file__), os.pardir, os.pardir, os.pardir, "shared", "data", "fsdd"
)
needs_real_fsdd = pytest.mark.skipif(
    not os.path.isdir(os.path.join(REAL_FSDD, "recordings")),
    reason="the full FSDD is not at ../shared/data/fsdd (CI has it)",
)
SPEAKERS = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")


def write_wav(path, samples, rate=8000, channels=1):
    with wave.open(str(path), "wb") as file:
        file.setnchannels(channels)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(np.asarray(samples, "<i2").tobytes())


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv("KERAS_SSL_FSDD", raising=False)


def test_the_shipped_subset_is_small_and_licensed():
    files = os.listdir(os.path.join(FSDD_SUBSET, "recordings"))
    size = sum(
        os.path.getsize(os.path.join(FSDD_SUBSET, "recordings", name)) for name in files
    )
    assert len(files) == 120 and size < 2_000_000
    with open(os.path.join(FSDD_SUBSET, "README.md")) as file:
        readme = file.read()
    assert "CC BY-SA 4.0" in readme and "Jakobovski/free-spoken-digit-dataset" in readme


def test_subset_official_split(no_env):
    (train, y_train, s_train) = fsdd("train", path=FSDD_SUBSET, return_speakers=True)
    test, y_test = fsdd("test", path=FSDD_SUBSET)
    assert train["waveform"].shape[0] == 60 and test["waveform"].shape[0] == 60
    assert train["waveform"].dtype == np.int16 and train["padding_mask"].dtype == bool
    np.testing.assert_array_equal(np.bincount(y_train), [6] * 10)
    np.testing.assert_array_equal(np.bincount(y_test), [6] * 10)
    assert sorted(set(s_train.tolist())) == list(SPEAKERS)
    # The mask holds each file's length; padding is zero.
    with wave.open(os.path.join(FSDD_SUBSET, "recordings", "0_george_5.wav")) as file:
        frames = file.getnframes()
    assert y_train[0] == 0 and s_train[0] == "george"
    assert train["padding_mask"][0].sum() == frames
    assert not train["waveform"][~train["padding_mask"]].any()
    assert train["waveform"].shape[1] == train["padding_mask"].sum(axis=1).max()


def test_subset_speaker_held_out(no_env):
    train, _, s_train = fsdd("train", path=FSDD_SUBSET, held_out_speaker="theo",
                             return_speakers=True)
    test, y_test, s_test = fsdd("test", path=FSDD_SUBSET, held_out_speaker="theo",
                                return_speakers=True)
    assert len(s_train) == 50 and "theo" not in s_train
    assert len(s_test) == 10 and set(s_test.tolist()) == {"theo"}
    np.testing.assert_array_equal(y_test, np.arange(10))


def test_return_takes_come_last_and_match_the_file_names(no_env):
    test, y_test, s_test, t_test = fsdd("test", path=FSDD_SUBSET, return_speakers=True,
                                        return_takes=True)
    _, _, t_train = fsdd("train", path=FSDD_SUBSET, return_takes=True)
    assert set(t_test.tolist()) == {0} and set(t_train.tolist()) == {5}
    for digit, speaker, take in zip(y_test, s_test, t_test):
        assert os.path.exists(
            os.path.join(FSDD_SUBSET, "recordings", f"{digit}_{speaker}_{take}.wav")
        )


def test_search_order_path_env_then_subset(no_env, monkeypatch):
    with pytest.warns(UserWarning, match="120-recording subset"):
        default, _ = fsdd("test")
    monkeypatch.setenv("KERAS_SSL_FSDD", os.path.join(FSDD_SUBSET, "recordings"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from_env, _ = fsdd("test")
        from_parent, _ = fsdd("test", path=FSDD_SUBSET)
    np.testing.assert_array_equal(default["waveform"], from_env["waveform"])
    np.testing.assert_array_equal(default["waveform"], from_parent["waveform"])


def test_missing_recordings_say_how_to_get_them(no_env, tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match=r"git clone https://github\.com/"
                       r"Jakobovski/free-spoken-digit-dataset.*spoken_digit.*path="):
        fsdd("train", path=tmp_path / "nowhere")
    monkeypatch.setenv("KERAS_SSL_FSDD", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="from KERAS_SSL_FSDD"):
        fsdd("train")


def test_bad_arguments_are_named(no_env):
    with pytest.raises(ValueError, match="Unknown FSDD split 'validation'"):
        fsdd("validation", path=FSDD_SUBSET)
    with pytest.raises(ValueError, match=r"Unknown held_out_speaker 'alice'.*jackson"):
        fsdd("train", path=FSDD_SUBSET, held_out_speaker="alice")
    with pytest.raises(ValueError, match="not 'all'"):
        fsdd("all", path=FSDD_SUBSET, held_out_speaker="theo")


@pytest.fixture
def small_checkout(tmp_path):
    folder = tmp_path / "recordings"
    folder.mkdir()
    for name in ("0_jackson_0.wav", "1_jackson_5.wav"):
        shutil.copy(os.path.join(FSDD_SUBSET, "recordings", name), folder / name)
    return folder


@pytest.mark.parametrize("case", ["rate", "stereo", "name", "empty"])
def test_bad_files_are_named(no_env, small_checkout, case):
    name, message = {
        "rate": ("2_jackson_6.wav", r"2_jackson_6\.wav is sampled at 16000 Hz.*8000 Hz"),
        "stereo": ("2_jackson_6.wav", r"2 channels.*mono"),
        "name": ("jackson-two.wav", r"jackson-two\.wav.*\{digit\}_\{speaker\}_\{take\}"),
        "empty": ("2_jackson_6.wav", "empty"),
    }[case]
    samples = [] if case == "empty" else np.zeros(400 if case == "stereo" else 200)
    write_wav(small_checkout / name, samples, rate=16000 if case == "rate" else 8000,
              channels=2 if case == "stereo" else 1)
    with pytest.raises(ValueError, match=message):
        fsdd("train", path=small_checkout.parent)


def test_fsdd_batches_pass_audio_inputs_checks_as_they_are():
    import keras

    audio, _ = fsdd("test", path=FSDD_SUBSET, held_out_speaker="jackson")
    encoder = keras.Sequential([keras.Input((8,)), keras.layers.Dense(2)])
    inputs = keras_ssl.inputs.AudioInputs(encoder, sample_rate=8000)
    x, _, _ = inputs.prepare(audio, purpose="predict", sample_rate=8000)
    assert x["waveform"].dtype == np.int16
    assert x["padding_mask"].shape == (10, x["waveform"].shape[1])


@needs_real_fsdd
def test_real_fsdd_official_split(no_env):
    train, y_train, s_train = fsdd("train", path=REAL_FSDD, return_speakers=True)
    test, y_test = fsdd("test", path=os.path.join(REAL_FSDD, "recordings"))
    assert train["waveform"].shape == (2700, 18262) and test["waveform"].shape[0] == 300
    np.testing.assert_array_equal(np.bincount(y_train), [270] * 10)
    np.testing.assert_array_equal(np.bincount(y_test), [30] * 10)
    assert sorted(set(s_train.tolist())) == list(SPEAKERS)
    assert int(np.median(train["padding_mask"].sum(axis=1))) in range(3000, 4000)


@needs_real_fsdd
@pytest.mark.parametrize("speaker", SPEAKERS)
def test_real_fsdd_held_out_speaker(no_env, speaker):
    _, y_train, s_train = fsdd("train", path=REAL_FSDD, held_out_speaker=speaker,
                               return_speakers=True)
    _, y_test, s_test = fsdd("test", path=REAL_FSDD, held_out_speaker=speaker,
                             return_speakers=True)
    assert len(y_train) == 2250 and speaker not in s_train
    assert len(y_test) == 50 and set(s_test.tolist()) == {speaker}
    np.testing.assert_array_equal(np.bincount(y_test), [5] * 10)
