"""Check audio inputs once, before `fit`/`evaluate`/`predict` start.

Waveforms are mono: float in [-1, 1], or int16 PCM (scaled by 1/32768
inside the step). A batch is `(N, samples)` or `(N, samples, 1)`; clips of
different lengths are zero-padded and carry a `padding_mask` (True on real
samples). Every error names what is wrong and how to fix it.
"""

import numpy as np

from keras_ssl.data.tf_datasets import is_tf_dataset

#: The keys of an audio batch: the samples, and True where they are real.
WAVEFORM_KEY = "waveform"
MASK_KEY = "padding_mask"

#: int16 PCM -> float in [-1, 1): divide by 2**15.
INT16_SCALE = 32768.0


def _fail(message):
    raise ValueError(message)


def check_sample_rate(rate, expected, source="the audio"):
    """Raise unless `rate` (Hz) is `expected`; no resampling happens.

    Args:
        rate: int. The rate the data was recorded at (e.g. a WAV header's).
        expected: int. The rate the model was built for.
        source: str. What holds the data, for the message (a file name).

    Example:
    >>> check_sample_rate(8000, 8000, "0_jackson_0.wav")
    """
    if rate is None or expected is None or int(rate) == int(expected):
        return
    _fail(f"{source} is sampled at {int(rate)} Hz but the model takes "
          f"{int(expected)} Hz audio. keras_ssl does not resample silently: "
          f"resample it first (e.g. scipy.signal.resample_poly or librosa."
          f"resample), or build the encoder with sample_rate={int(rate)}.")


def pad_clips(clips):
    """Zero-pad 1-D clips of any lengths into one batch with a mask.

    Args:
        clips: sequence of 1-D arrays (or `(samples, 1)` arrays), all float
            or all integer.

    Returns:
        `{"waveform": (N, T), "padding_mask": bool (N, T)}`, `T` the
        longest clip, in the clips' common dtype.

    Example:
    >>> batch = pad_clips([np.zeros(3, "int16"), np.ones(5, "int16")])
    >>> batch["padding_mask"].sum(axis=1)
    array([3, 5])
    """
    arrays = [np.asarray(clip) for clip in clips]
    _check_not_empty(np.zeros(len(arrays)))
    for index, clip in enumerate(arrays):
        if clip.ndim == 2 and clip.shape[-1] == 1:
            arrays[index] = clip = clip[:, 0]
        if clip.ndim == 2:
            _fail(_stereo_message(clip.shape[-1], f"Clip {index}"))
        if clip.ndim != 1:
            _fail(f"Clip {index} has shape {clip.shape}; each clip of a list "
                  f"must be 1-D (samples,) mono audio.")
        if clip.size == 0:
            _fail(f"Clip {index} is empty (0 samples). Remove it from the "
                  f"input; every clip needs at least one sample.")
    dtype = np.result_type(*arrays)
    waveform = np.zeros((len(arrays), max(a.size for a in arrays)), dtype)
    mask = np.zeros(waveform.shape, bool)
    for index, clip in enumerate(arrays):
        waveform[index, : clip.size] = clip
        mask[index, : clip.size] = True
    return {WAVEFORM_KEY: waveform, MASK_KEY: mask}


def _check_not_empty(array):
    if array.size == 0:
        _fail(f"The audio is empty (shape {array.shape}). Pass at least one "
              f"clip with at least one sample.")


def _stereo_message(channels, what="The audio"):
    return (
        f"{what} has {channels} channels, but the model takes mono audio. "
        f"Mix it down (x.mean(axis=-1)) or keep one channel (x[..., 0])."
    )


def _check_waveform_shape(shape):
    """Check a batch's shape (entries may be None): `(N, samples[, 1])`."""
    shape = tuple(shape)
    if len(shape) == 1:
        _fail(
            f"Got a rank-1 array {shape}: one clip without a batch axis. "
            f"Pass a batch, e.g. x[None] for one clip, or a list of clips."
        )
    if len(shape) == 2 and shape[1] is not None and shape[1] <= 2 and (
        shape[0] is not None and shape[0] > 16 * shape[1]
    ):
        _fail(
            f"Got shape {shape}: it looks like one clip laid out as "
            f"(samples, channels), not a batch (N, samples). Pass x[None, :, 0] "
            f"(mono) or x.mean(axis=-1)[None] (stereo mixed down)."
        )
    if len(shape) == 3 and shape[-1] is not None and shape[-1] != 1:
        _fail(_stereo_message(shape[-1], f"A batch of shape {shape}"))
    if len(shape) not in (2, 3):
        _fail(
            f"Audio batches have rank 2 (N, samples) or rank 3 (N, samples, "
            f"1); got rank {len(shape)} {shape}."
        )


def _check_waveform_values(array):
    """Check the dtype and values of a numpy batch of waveforms.

    Floats must be finite and within [-1, 1]; integers must be int16 PCM
    (other integer dtypes holding int16-range values are accepted).

    Args:
        array: numpy array of samples.

    Returns:
        The array as float32 or int16.
    """
    kind = array.dtype.kind
    if kind in "USO":
        _fail(
            f"Expected waveforms (numbers), got dtype {array.dtype}. Decode "
            f"the files first, e.g. keras_ssl.datasets.from_audio_directory "
            f"or keras_ssl.datasets.fsdd."
        )
    if kind == "b":
        _fail("Got booleans where waveforms are expected; pass float or int16.")
    _check_not_empty(array)
    if kind == "f":
        finite = np.isfinite(array)
        if not finite.all():
            bad = int(array.size - finite.sum())
            clip = int(np.argwhere(~finite)[0][0])
            _fail(
                f"The waveforms contain {bad} NaN or infinite sample(s) (first "
                f"in clip {clip}). Remove or repair those clips (np.isfinite "
                f"finds them)."
            )
        peak = float(np.abs(array).max())
        if peak > 1.0:
            _fail(
                f"Float waveforms must lie in [-1, 1]; these reach {peak:g}, "
                f"so they look like unscaled 16-bit PCM. Divide them by 32768 "
                f"(x / 32768), or pass them as int16 (x.astype('int16')), "
                f"which the model scales itself."
            )
        return array.astype("float32", copy=False)
    if kind == "u" and array.dtype.itemsize == 1:
        _fail(
            "Got uint8 samples: 8-bit PCM is unsigned around 128, not int16. "
            "Convert it to floats in [-1, 1] with (x.astype('float32') - 128) "
            "/ 128."
        )
    if array.dtype != np.int16:
        low, high = int(array.min()), int(array.max())
        if low < -32768 or high > 32767:
            _fail(
                f"Integer samples must be 16-bit PCM (-32768..32767); these "
                f"span {low}..{high} ({array.dtype}), e.g. 24- or 32-bit PCM. "
                f"Scale them to floats in [-1, 1] (x / 2**23 for 24-bit, "
                f"x / 2**31 for 32-bit) or to int16."
            )
        array = array.astype("int16")
    return array


def _check_padding_mask(mask, waveform_shape):
    """Check a padding mask against its waveforms; return it as bool.

    Args:
        mask: array `(N, samples)`, True (or 1) on real samples.
        waveform_shape: the waveforms' shape.
    """
    mask = np.asarray(mask)
    if mask.shape != tuple(waveform_shape[:2]):
        _fail(
            f"The padding_mask has shape {mask.shape} but the waveforms "
            f"{tuple(waveform_shape)}; it needs one entry per sample, "
            f"(N, samples)."
        )
    mask = mask.astype(bool)
    empty = np.flatnonzero(~mask.any(axis=1))
    if empty.size:
        _fail(
            f"{empty.size} clip(s) are empty: their padding_mask has no real "
            f"sample (first: clip {int(empty[0])}). Remove them; every clip "
            f"needs at least one sample."
        )
    return mask


def check_audio_array(x):
    """Check waveforms given as arrays, lists of clips or dicts.

    Args:
        x: an array `(N, samples)` / `(N, samples, 1)`, a list of 1-D clips
            (padded here), or a dict with `"waveform"` and optionally
            `"padding_mask"`.

    Returns:
        An array `(N, samples)` (float32 or int16), or a dict with both
        keys when there is padding.

    Example:
    >>> check_audio_array(np.zeros((2, 8, 1), "float64")).shape
    (2, 8)
    """
    if isinstance(x, dict):
        if WAVEFORM_KEY not in x:
            _fail(
                f"Dict inputs must hold the samples under {WAVEFORM_KEY!r} "
                f"(and optionally {MASK_KEY!r}); got keys {sorted(x)}."
            )
        waveform = check_audio_array(x[WAVEFORM_KEY])
        if isinstance(waveform, dict):
            return {**x, **waveform}
        out = {**x, WAVEFORM_KEY: waveform}
        if x.get(MASK_KEY) is not None:
            out[MASK_KEY] = _check_padding_mask(x[MASK_KEY], waveform.shape)
        return out
    if isinstance(x, list) and x and np.ndim(x[0]) >= 1:
        lengths = {np.shape(clip) for clip in x}
        if len(lengths) > 1:
            return check_audio_array(pad_clips(x))
    array = np.asarray(x)
    _check_not_empty(array)
    _check_waveform_shape(array.shape)
    array = _check_waveform_values(array)
    if array.ndim == 3:
        array = array[..., 0]
    return array


def _check_audio_dataset(dataset):
    """Check a `tf.data.Dataset` of audio batches by its spec and first batch."""
    spec = dataset.element_spec
    if isinstance(spec, tuple):
        spec = spec[0]
    waveform_spec = spec[WAVEFORM_KEY] if isinstance(spec, dict) else spec
    if getattr(waveform_spec, "dtype", None) is not None and (
        waveform_spec.dtype.name == "string"
    ):
        _fail(
            "The dataset yields strings (file names or bytes?) where waveforms "
            "are expected. Decode them first (tf.audio.decode_wav), or use "
            "keras_ssl.datasets.from_audio_directory."
        )
    shape = tuple(waveform_spec.shape)
    if len(shape) == 1 or (len(shape) == 2 and shape[-1] == 1):
        _fail(f"The dataset yields single clips {shape}, not batches. Batch it "
              f"first, e.g. dataset.padded_batch(32) with a padding_mask.")
    _check_waveform_shape(shape)
    for batch in dataset.take(1):
        batch = batch[0] if isinstance(batch, tuple) else batch
        if isinstance(batch, dict):
            batch = {key: np.asarray(value) for key, value in batch.items()}
        check_audio_array(batch if isinstance(batch, dict) else np.asarray(batch))
        return dataset
    _fail("The dataset is empty. Pass a dataset with at least one batch.")


def prepare_audio(x):
    """Check any supported audio input once; return what to hand to Keras.

    Args:
        x: arrays, lists of clips or dicts (see `check_audio_array`), tuples
            whose first entry is one of those, or a `tf.data.Dataset` of
            batches of them.

    Returns:
        `x`, checked, padded where needed and cast to float32 or int16.

    Example:
    >>> prepare_audio([np.zeros(3, "int16"), np.ones(5, "int16")])["padding_mask"]
    array([[ True,  True,  True, False, False],
           [ True,  True,  True,  True,  True]])
    """
    if x is None:
        return x
    if is_tf_dataset(x):
        return _check_audio_dataset(x)
    if isinstance(x, tuple):
        return (prepare_audio(x[0]),) + tuple(x[1:])
    if isinstance(x, (list, dict, np.ndarray)) or hasattr(x, "__array__"):
        return check_audio_array(x)
    return x
