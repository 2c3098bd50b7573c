"""Log-mel and MFCC statistics against a literal numpy transcription, and
their invariance to padding."""

import numpy as np
import pytest

from keras_ssl.data.audio_checks import pad_clips
from keras_ssl.data.audio_features import float_waveforms
from keras_ssl.data.audio_features import log_mel_statistics
from keras_ssl.data.audio_features import mfcc_statistics

tf = pytest.importorskip("tensorflow")

RATE = 8000


def clips():
    """Three int16 clips: a chirp with noise, a tone, one shorter than a frame."""
    rng = np.random.default_rng(0)
    time = np.arange(1234) / RATE
    chirp = 0.3 * np.sin(2 * np.pi * (200 + 900 * time) * time) + 0.01 * rng.normal(size=time.size)
    tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(700) / RATE)
    short = 0.2 * rng.uniform(-1, 1, size=150)
    return [np.round(32767 * clip).astype("int16") for clip in (chirp, tone, short)]


def numpy_log_mel_frames(clip, bands=40):
    """25 ms Hann frames every 10 ms, 256-point power spectra, tf's mel
    filters from 20 Hz to 4 kHz, log(mel + 1e-6): one row per frame."""
    samples = clip / 32768.0
    frame, hop, fft = 200, 80, 256
    if samples.size < frame:
        frames = [np.pad(samples, (0, frame - samples.size))]
    else:
        frames = [samples[i * hop: i * hop + frame] for i in range(1 + (samples.size - frame) // hop)]
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(frame) / frame)  # periodic Hann
    power = np.abs(np.fft.rfft(np.array(frames) * window, n=fft)) ** 2
    mel = tf.signal.linear_to_mel_weight_matrix(bands, fft // 2 + 1, RATE, 20.0, 4000.0)
    return np.log(power @ mel.numpy().astype("float64") + 1e-6)


def numpy_mfcc_frames(clip, coefficients=13, bands=40):
    """DCT-II of the log-mel frames, scaled by 1 / sqrt(2 * bands) as tf.signal does."""
    log_mel = numpy_log_mel_frames(clip, bands)
    n, k = np.arange(bands), np.arange(coefficients)
    basis = 2 * np.cos(np.pi * k[:, None] * (2 * n[None, :] + 1) / (2 * bands))
    return log_mel @ basis.T / np.sqrt(2 * bands)


def statistics(frames):
    return np.concatenate([frames.mean(axis=0), frames.std(axis=0)])


def test_log_mel_statistics_match_numpy():
    batch = pad_clips(clips())
    features = log_mel_statistics(batch)
    assert features.shape == (3, 80) and features.dtype == np.float32
    expected = np.stack([statistics(numpy_log_mel_frames(clip)) for clip in clips()])
    np.testing.assert_allclose(features, expected, rtol=1e-4, atol=2e-3)
    assert np.all(features[2, 40:] == 0)  # The short clip has one frame.


def test_mfcc_statistics_match_numpy():
    features = mfcc_statistics(pad_clips(clips()))
    assert features.shape == (3, 26) and features.dtype == np.float32
    expected = np.stack([statistics(numpy_mfcc_frames(clip)) for clip in clips()])
    np.testing.assert_allclose(features, expected, rtol=1e-4, atol=2e-3)


@pytest.mark.parametrize("statistic", [log_mel_statistics, mfcc_statistics])
def test_padding_changes_nothing(statistic):
    alone = np.concatenate([statistic([clip]) for clip in clips()])
    batch = pad_clips(clips())
    wide = {
        "waveform": np.pad(batch["waveform"], ((0, 0), (0, 900))),
        "padding_mask": np.pad(batch["padding_mask"], ((0, 0), (0, 900))),
    }
    wide["waveform"][~wide["padding_mask"]] = 12345  # Garbage in the padding.
    np.testing.assert_allclose(statistic(batch), alone, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(statistic(wide, batch_size=2), alone, rtol=1e-5, atol=1e-4)
    floats = {**batch, "waveform": batch["waveform"] / np.float32(32768)}
    np.testing.assert_allclose(statistic(floats), alone, rtol=1e-5, atol=1e-4)


def test_float_waveforms_scale_and_zero_the_padding():
    waveform, lengths = float_waveforms(
        {"waveform": np.array([[16384, 7, 7]], "int16"),
         "padding_mask": np.array([[True, False, False]])}
    )
    np.testing.assert_array_equal(waveform, [[0.5, 0.0, 0.0]])
    np.testing.assert_array_equal(lengths, [1])


def test_bad_arguments_are_clear_errors():
    batch = pad_clips(clips())
    with pytest.raises(ValueError, match="num_coefficients=41 exceeds num_mel_bins=40"):
        mfcc_statistics(batch, num_coefficients=41)
    with pytest.raises(ValueError, match="num_mel_bins must be a positive int"):
        log_mel_statistics(batch, num_mel_bins=0)
    with pytest.raises(ValueError, match="fft_length=128 is shorter than the frame"):
        log_mel_statistics(batch, fft_length=128)
    holes = {**batch, "padding_mask": batch["padding_mask"][:, ::-1].copy()}
    with pytest.raises(ValueError, match="padding before real samples"):
        log_mel_statistics(holes)
    with pytest.raises(ValueError, match="unscaled 16-bit PCM"):
        log_mel_statistics(np.full((1, 400), 3.0))
