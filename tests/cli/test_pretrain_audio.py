import wave

import keras
import numpy as np

import keras_ssl
from keras_ssl.cli import main


def write_wav(path, samples, sample_rate=8000):
    with wave.open(str(path), "wb") as stream:
        stream.setnchannels(1)
        stream.setsampwidth(2)
        stream.setframerate(sample_rate)
        stream.writeframes(samples.astype("<i2").tobytes())


def speech_like_folder(folder, clips=6, sample_rate=8000):
    """WAV files of decaying tones of different lengths, in two subfolders
    (files anywhere below --data are read)."""
    rng = np.random.default_rng(0)
    for index in range(clips):
        length = 1200 + 300 * index
        time = np.arange(length) / sample_rate
        tone = np.sin(2 * np.pi * (200 + 50 * index) * time) * np.exp(-3 * time)
        noise = 0.05 * rng.standard_normal(length)
        sub = folder / ("a" if index % 2 else "b")
        sub.mkdir(parents=True, exist_ok=True)
        write_wav(sub / f"clip_{index}.wav", (8000 * (tone + noise)), sample_rate)


def test_pretrain_wav2vec2_on_a_folder_of_wavs_saves_a_model_that_reloads(tmp_path, capsys):
    speech_like_folder(tmp_path / "speech")
    output = str(tmp_path / "w2v.keras")
    code = main(["pretrain", "wav2vec2", "--data", str(tmp_path / "speech"),
                 "--epochs", "1", "--batch-size", "3", "--output", output])
    assert code == 0
    out = capsys.readouterr().out
    assert "8000 Hz" in out and output in out
    model = keras.saving.load_model(output)
    assert isinstance(model, keras_ssl.Wav2Vec2)
    assert int(model.optimizer.iterations) == 2  # 6 clips, batches of 3
    clips = [np.zeros(1600, "int16"), np.ones(2400, "int16")]
    assert model.predict(clips, verbose=0).shape == (2, model.encoder.hidden_dim)


def test_pretrain_wav2vec2_rejects_a_folder_at_another_rate(tmp_path, capsys):
    speech_like_folder(tmp_path / "speech", clips=2, sample_rate=16000)
    code = main(["pretrain", "wav2vec2", "--data", str(tmp_path / "speech"), "--epochs", "1"])
    assert code == 2
    assert "16000" in capsys.readouterr().err


def test_pretrain_wav2vec2_names_what_audio_data_it_takes(tmp_path, capsys):
    assert main(["pretrain", "wav2vec2", "--data", str(tmp_path / "missing")]) == 2
    assert "folder of WAV files" in capsys.readouterr().err
