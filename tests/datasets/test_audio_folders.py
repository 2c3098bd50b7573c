import wave

import numpy as np
import pytest

from keras_ssl.datasets import from_audio_directory

tf = pytest.importorskip("tensorflow")


def write_wav(path, samples, rate=8000, channels=1):
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as file:
        file.setnchannels(channels)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(np.asarray(samples, "<i2").tobytes())


@pytest.fixture
def labeled(tmp_path):
    # Two classes; clip i holds the value 1000 * (i + 1) for 10 * (i + 1) samples.
    for index, name in enumerate(("no/a.wav", "no/b.wav", "yes/c.wav")):
        write_wav(tmp_path / name, np.full(10 * (index + 1), 1000 * (index + 1)))
    return tmp_path


def test_labels_inferred_give_padded_waveforms_masks_and_class_ids(labeled):
    dataset = from_audio_directory(
        labeled, sample_rate=8000, labels="inferred", batch_size=3, shuffle=False
    )
    (audio, labels), = list(dataset)
    np.testing.assert_array_equal(labels, [0, 0, 1])
    assert audio["waveform"].shape == (3, 30) and audio["waveform"].dtype == tf.float32
    np.testing.assert_array_equal(np.sum(audio["padding_mask"], axis=1), [10, 20, 30])
    np.testing.assert_allclose(audio["waveform"][1, :20], 2000 / 32768)
    np.testing.assert_array_equal(audio["waveform"][0, 10:], 0.0)


def test_unlabeled_batches_and_a_fixed_sequence_length(labeled):
    dataset = from_audio_directory(labeled, 8000, batch_size=2, shuffle=False,
                                   sequence_length=40)
    batches = list(dataset)
    assert [tuple(b["waveform"].shape) for b in batches] == [(2, 40), (1, 40)]
    assert sorted(b["padding_mask"].numpy().sum() for b in batches) == [30, 30]


def test_bad_folders_and_files_are_named(tmp_path, labeled):
    with pytest.raises(ValueError, match="is not a folder"):
        from_audio_directory(tmp_path / "missing", 8000)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no .wav files"):
        from_audio_directory(tmp_path / "empty", 8000)
    flat = tmp_path / "flat"
    write_wav(flat / "x.wav", np.ones(5))
    with pytest.raises(ValueError, match="one subfolder per .*keras_ssl.datasets.fsdd"):
        from_audio_directory(flat, 8000, labels="inferred")
    with pytest.raises(ValueError, match=r"sampled at 8000 Hz.*16000 Hz"):
        from_audio_directory(labeled, 16000)
    with pytest.raises(ValueError, match=r"30 samples, more than sequence_length=20"):
        from_audio_directory(labeled, 8000, sequence_length=20)
    with pytest.raises(ValueError, match="labels must be None or 'inferred'"):
        from_audio_directory(labeled, 8000, labels=[0, 1, 1])


@pytest.mark.parametrize("case", ["stereo", "empty"])
def test_stereo_and_empty_files_are_refused(tmp_path, case):
    if case == "stereo":
        write_wav(tmp_path / "a" / "s.wav", np.zeros(20), channels=2)
        message = r"s\.wav has 2 channels.*mono"
    else:
        write_wav(tmp_path / "a" / "s.wav", [])
        message = r"s\.wav is empty"
    with pytest.raises(ValueError, match=message):
        from_audio_directory(tmp_path, 8000)


def test_the_batches_pass_audio_inputs_checks(labeled):
    import keras

    import keras_ssl

    encoder = keras.Sequential([keras.Input((8,)), keras.layers.Dense(2)])
    inputs = keras_ssl.inputs.AudioInputs(encoder, sample_rate=8000)
    dataset = from_audio_directory(labeled, 8000, labels="inferred", batch_size=2)
    x, _, _ = inputs.prepare(dataset, purpose="evaluate", sample_rate=8000)
    assert x is dataset and inputs.first_batch_count(x) == 2
