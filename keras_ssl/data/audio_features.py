"""Features of audio clips: log-mel and MFCC statistics, or an encoder's.

The spectrogram baselines of keras_ssl's audio tables (issue 32): frames of
25 ms every 10 ms (200 samples every 80 at 8 kHz) under a periodic Hann
window, a 256-point FFT (the next power of two of the frame; 31.25 Hz bins
at 8 kHz), power spectra, 40 triangular mel filters (tf.signal's HTK mel
scale) from 20 Hz to the Nyquist frequency, and `log(mel + 1e-6)`. MFCCs are
tf.signal's DCT-II of those log-mel frames, scaled by `1 / sqrt(2 * bands)`
(`mfccs_from_log_mel_spectrograms`), keeping the first 13, c0 included.
Each clip gives the mean and the std over time of every band or coefficient.

Only frames wholly inside a clip count (a clip shorter than one frame has
one frame, zero-padded), and padded samples are zeroed first, so padding
never changes a clip's features. TensorFlow computes the spectra; it is
imported inside the functions, so keras_ssl imports without it.

`encoder_audio_features` runs a frozen audio encoder over many clips in
batches of similar length (the probes' features of a whole data set).
"""

import numpy as np

from keras_ssl.data import audio_checks
from keras_ssl.data.audio_checks import INT16_SCALE
from keras_ssl.data.audio_checks import MASK_KEY
from keras_ssl.data.audio_checks import WAVEFORM_KEY
from keras_ssl.data.encoder_features import as_feature_vectors

#: Frame length and hop (milliseconds): the usual speech front end.
FRAME_MS = 25.0
HOP_MS = 10.0

#: The lowest mel filter's lower edge (Hz); the highest ends at Nyquist.
LOWER_HZ = 20.0

#: Added to mel power before the log, so silence gives log(1e-6), not -inf.
LOG_OFFSET = 1e-6

#: Encoder batches are padded to a multiple of this many samples (0.25 s at
#: 8 kHz), so a few shapes are traced instead of one per batch.
LENGTH_STEP = 2000


def float_waveforms(audio):
    """Waveforms as float32 in [-1, 1] with padding zeroed, and clip lengths.

    Args:
        audio: `{"waveform": int16 or float (N, T), "padding_mask": bool
            (N, T)}` as `keras_ssl.datasets.fsdd` returns it, an array
            `(N, T)` (no padding) or a list of 1-D clips. int16 is scaled by
            1/32768. Padding must come after each clip's samples.

    Returns:
        `(waveform, lengths)`: float32 `(N, T)` and int64 `(N,)`.

    Example:
    >>> waveform, lengths = float_waveforms([np.ones(3, "int16"), np.ones(5, "int16")])
    >>> lengths
    array([3, 5])
    """
    checked = audio_checks.check_audio_array(audio)
    mask = None
    if isinstance(checked, dict):
        checked, mask = checked[WAVEFORM_KEY], checked.get(MASK_KEY)
    waveform = np.asarray(checked)
    if waveform.dtype == np.int16:
        waveform = waveform.astype("float32") / INT16_SCALE
    if mask is None:
        mask = np.ones(waveform.shape, bool)
    lengths = mask.sum(axis=1).astype("int64")
    if not np.array_equal(mask, np.arange(mask.shape[1]) < lengths[:, None]):
        raise ValueError(
            "The padding_mask has padding before real samples; each clip's "
            "samples must come first and its padding after them (as "
            "keras_ssl.data.audio_checks.pad_clips makes them)."
        )
    return np.where(mask, waveform, 0.0).astype("float32"), lengths


def frame_sizes(sample_rate, frame_ms=FRAME_MS, hop_ms=HOP_MS, fft_length=None):
    """`(frame_length, hop, fft_length)` in samples (200, 80, 256 at 8 kHz)."""
    frame_length = int(round(sample_rate * frame_ms / 1000))
    hop = int(round(sample_rate * hop_ms / 1000))
    if frame_length < 1 or hop < 1:
        raise ValueError(
            f"frame_ms={frame_ms} and hop_ms={hop_ms} at {sample_rate} Hz give "
            f"{frame_length} and {hop} samples; both must be at least 1."
        )
    if fft_length is None:
        fft_length = 1 << (frame_length - 1).bit_length()
    if fft_length < frame_length:
        raise ValueError(
            f"fft_length={fft_length} is shorter than the frame "
            f"({frame_length} samples); pass at least {frame_length}."
        )
    return frame_length, hop, int(fft_length)


def valid_frame_counts(lengths, frame_length, hop):
    """Frames wholly inside each clip (at least 1): `1 + (L - frame) // hop`."""
    lengths = np.asarray(lengths, "int64")
    return np.maximum(1, 1 + (lengths - frame_length) // hop)


def _log_mel_frames(waveform, sample_rate, num_mel_bins, sizes, lower_hz, upper_hz):
    """tf.signal log-mel frames `(N, F, num_mel_bins)` (end padded with zeros)."""
    import tensorflow as tf

    frame_length, hop, fft_length = sizes
    spectra = tf.signal.stft(
        waveform, frame_length, hop, fft_length,
        window_fn=tf.signal.hann_window, pad_end=True,
    )
    power = tf.math.square(tf.math.abs(spectra))
    weights = tf.signal.linear_to_mel_weight_matrix(
        num_mel_bins, fft_length // 2 + 1, sample_rate, lower_hz, upper_hz
    )
    return tf.math.log(tf.tensordot(power, weights, 1) + LOG_OFFSET)


def _mfcc_frames(log_mel, num_coefficients):
    import tensorflow as tf

    return tf.signal.mfccs_from_log_mel_spectrograms(log_mel)[..., :num_coefficients]


def masked_mean_std(frames, counts):
    """Mean and std over each clip's first `counts` frames: `(N, 2 * B)`."""
    frames = np.asarray(frames, "float64")
    valid = (np.arange(frames.shape[1]) < counts[:, None])[..., None]
    mean = np.sum(frames * valid, axis=1) / counts[:, None]
    variance = np.sum(np.square(frames - mean[:, None]) * valid, axis=1) / counts[:, None]
    return np.concatenate([mean, np.sqrt(variance)], axis=1).astype("float32")


def _check_positive(**values):
    for name, value in values.items():
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive int; got {value!r}.")


def _statistics(audio, sample_rate, num_mel_bins, frame_ms, hop_ms, fft_length,
                lower_hz, upper_hz, batch_size, num_coefficients=None):
    _check_positive(sample_rate=sample_rate, num_mel_bins=num_mel_bins,
                    batch_size=batch_size)
    sizes = frame_sizes(sample_rate, frame_ms, hop_ms, fft_length)
    upper_hz = sample_rate / 2 if upper_hz is None else upper_hz
    waveform, lengths = float_waveforms(audio)
    counts = valid_frame_counts(lengths, *sizes[:2])
    rows = []
    for start in range(0, len(waveform), batch_size):
        stop = start + batch_size
        # Each batch is cut to its longest clip: less work, same features.
        frames = _log_mel_frames(
            waveform[start:stop, : max(lengths[start:stop].max(), 1)],
            sample_rate, num_mel_bins, sizes, lower_hz, upper_hz,
        )
        if num_coefficients is not None:
            frames = _mfcc_frames(frames, num_coefficients)
        rows.append(masked_mean_std(frames, counts[start:stop]))
    return np.concatenate(rows)


def log_mel_statistics(audio, sample_rate=8000, num_mel_bins=40, frame_ms=FRAME_MS,
                       hop_ms=HOP_MS, fft_length=None, lower_hz=LOWER_HZ,
                       upper_hz=None, batch_size=256):
    """Mean and std over time of each clip's log-mel spectrogram.

    Frames of `frame_ms` (25 ms) every `hop_ms` (10 ms), Hann window, power
    spectrum, `num_mel_bins` mel filters from `lower_hz` to `upper_hz`,
    `log(mel + 1e-6)`; the statistics cover only the frames wholly inside
    each clip, so padding does not change a clip's features.

    Args:
        audio: `{"waveform": int16 or float (N, T), "padding_mask": bool
            (N, T)}` (as `keras_ssl.datasets.fsdd` returns it), an array
            `(N, T)` or a list of 1-D clips; float samples in [-1, 1].
        sample_rate: int. The clips' rate (Hz).
        num_mel_bins: int. Mel bands.
        frame_ms: float. Frame length (milliseconds).
        hop_ms: float. Hop between frames (milliseconds).
        fft_length: int or None. FFT size; None: the next power of two of
            the frame length (256 at 8 kHz).
        lower_hz: float. Lower edge of the lowest mel filter.
        upper_hz: float or None. Upper edge of the highest; None: Nyquist.
        batch_size: int. Clips per TensorFlow call.

    Returns:
        float32 `(N, 2 * num_mel_bins)`: the bands' means, then their stds.

    Example:
    ```python
    audio, labels = keras_ssl.datasets.fsdd("train", path="free-spoken-digit-dataset")
    log_mel_statistics(audio).shape      # (2700, 80)
    ```
    """
    return _statistics(audio, sample_rate, num_mel_bins, frame_ms, hop_ms,
                       fft_length, lower_hz, upper_hz, batch_size)


def mfcc_statistics(audio, sample_rate=8000, num_coefficients=13, num_mel_bins=40,
                    frame_ms=FRAME_MS, hop_ms=HOP_MS, fft_length=None,
                    lower_hz=LOWER_HZ, upper_hz=None, batch_size=256):
    """Mean and std over time of each clip's first MFCCs.

    The log-mel frames of `log_mel_statistics` (same arguments), their
    DCT-II (`tf.signal.mfccs_from_log_mel_spectrograms`), the
    first `num_coefficients` kept (c0, the log energy, included); the
    statistics cover only the frames wholly inside each clip.

    Args:
        audio: as in `log_mel_statistics`.
        sample_rate: int. The clips' rate (Hz).
        num_coefficients: int. MFCCs kept, at most `num_mel_bins`.
        num_mel_bins: int. Mel bands the DCT is taken over.
        frame_ms: float. Frame length (milliseconds).
        hop_ms: float. Hop between frames (milliseconds).
        fft_length: int or None. FFT size; None: the next power of two.
        lower_hz: float. Lower edge of the lowest mel filter.
        upper_hz: float or None. Upper edge of the highest; None: Nyquist.
        batch_size: int. Clips per TensorFlow call.

    Returns:
        float32 `(N, 2 * num_coefficients)`: means, then stds.

    Example:
    ```python
    audio, labels = keras_ssl.datasets.fsdd("train", path="free-spoken-digit-dataset")
    mfcc_statistics(audio).shape         # (2700, 26)
    ```
    """
    _check_positive(num_coefficients=num_coefficients)
    if num_coefficients > num_mel_bins:
        raise ValueError(
            f"num_coefficients={num_coefficients} exceeds num_mel_bins="
            f"{num_mel_bins}: the DCT of {num_mel_bins} bands has "
            f"{num_mel_bins} coefficients."
        )
    return _statistics(audio, sample_rate, num_mel_bins, frame_ms, hop_ms,
                       fft_length, lower_hz, upper_hz, batch_size,
                       num_coefficients=int(num_coefficients))


def encoder_audio_features(encoder, audio, batch_size=64):
    """An audio encoder's vectors for every clip, in batches of similar length.

    Clips are sorted by length and each batch is cut to its longest clip
    (rounded up to `LENGTH_STEP` samples); int16 is scaled to [-1, 1).
    For an encoder that padding does not change (`Wav2Vec2Encoder`), the
    result is `encoder.predict` of the whole padded batch.

    Args:
        encoder: `keras.Model` taking `{"waveform": float (N, T),
            "padding_mask": bool (N, T)}` and returning `(N, D)`.
        audio: the audio dict `keras_ssl.datasets.fsdd` returns.
        batch_size: int. Clips per forward pass.

    Returns:
        float32 `(N, D)`, in the order of `audio`.

    Example:
    >>> encoder_audio_features(keras_ssl.encoders.Wav2Vec2Encoder(), audio).shape
    (3000, 64)
    """
    waveform, lengths = float_waveforms(audio)
    order = np.argsort(lengths, kind="stable")
    outputs = []
    for start in range(0, len(order), batch_size):
        index = order[start:start + batch_size]
        rows = np.resize(index, min(batch_size, len(order)))  # One batch shape.
        width = -(-int(lengths[index].max()) // LENGTH_STEP) * LENGTH_STEP
        width = min(width, waveform.shape[1])
        batch = {
            WAVEFORM_KEY: waveform[rows, :width],
            MASK_KEY: np.arange(width) < lengths[rows, None],
        }
        outputs.append(np.asarray(encoder.predict_on_batch(batch))[: len(index)])
    features = as_feature_vectors(
        np.concatenate(outputs), encoder, "keras_ssl.encoders.Wav2Vec2Encoder, which pools its frames"
    )
    result = np.empty_like(features, dtype="float32")
    result[order] = features
    return result
