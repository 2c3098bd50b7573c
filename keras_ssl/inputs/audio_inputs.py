"""Audio inputs: batches of mono waveforms, padded clips with their mask."""

import keras
import numpy as np
from keras import ops

from keras_ssl.data import audio_checks
from keras_ssl.data.audio_checks import MASK_KEY
from keras_ssl.data.audio_checks import WAVEFORM_KEY
from keras_ssl.data.tf_datasets import is_tf_dataset
from keras_ssl.inputs.base_inputs import Inputs
from keras_ssl.inputs.epoch_pipeline import one_pipeline_for_epochs

# Keras's batch size for arrays when fit() is given none.
_KERAS_BATCH_SIZE = 32


class AudioInputs(Inputs):
    """The inputs of audio methods, checked once and standardized per batch.

    Accepts batches of mono waveforms: float in [-1, 1] or int16 PCM, as
    arrays `(N, samples)` or `(N, samples, 1)`; lists of 1-D clips of any
    lengths (zero-padded to the longest, with a mask); dicts
    `{"waveform": ..., "padding_mask": ...}` (the mask True on real
    samples); `(x, y)` tuples (labels are ignored); and `tf.data.Dataset`s
    of batches of these (e.g. `keras_ssl.datasets.from_audio_directory`).
    Before a run the whole input is checked: stereo, NaN or infinite
    samples, empty clips, floats outside [-1, 1] (unscaled PCM), integers
    outside the int16 range and a declared `sample_rate=` that differs from
    the model's are errors that name the fix. Inside the step every batch
    becomes `{"waveform": float32 (N, T), "padding_mask": bool (N, T)}`,
    int16 scaled by 1/32768 and padded samples zeroed.

    One sample rate per model: raw arrays are taken at the encoder's
    `sample_rate`; `fit(x, sample_rate=...)` (and `evaluate`/`predict`)
    checks a known rate against it. Nothing is resampled.

    Args:
        encoder: `keras.Model` taking `{"waveform", "padding_mask"}` and
            returning vectors `(N, D)`; its `sample_rate` attribute gives
            the model's rate unless `sample_rate` is passed.
        sample_rate: int or None. The rate (Hz) the encoder was built for.

    Example:
    ```python
    inputs = keras_ssl.inputs.AudioInputs(encoder, sample_rate=8000)
    x, _, kwargs = inputs.prepare(
        [clip_a, clip_b], purpose="predict", sample_rate=8000
    )
    x["padding_mask"].shape   # (2, longest clip)
    ```
    """

    modality = "audio"

    def __init__(self, encoder, sample_rate=None):
        super().__init__(encoder)
        sample_rate = sample_rate or getattr(encoder, "sample_rate", None)
        if not sample_rate or int(sample_rate) <= 0:
            raise ValueError(
                f"An audio method needs the sample rate its encoder takes; "
                f"{type(encoder).__name__} has no sample_rate attribute. Pass "
                f"AudioInputs(encoder, sample_rate=...) (e.g. 8000 for FSDD) "
                f"or build the encoder with sample_rate=..."
            )
        self.sample_rate = int(sample_rate)
        self.feature_dim = _feature_dim(encoder)
        self.view_shape = (None,)

    def prepare(self, x, y=None, purpose="fit", **kwargs):
        audio_checks.check_sample_rate(
            kwargs.pop("sample_rate", None), self.sample_rate,
            "The input (its sample_rate=)",
        )
        is_array = not is_tf_dataset(x) and (
            isinstance(x, (list, tuple, dict)) or hasattr(x, "__array__")
        )
        if purpose == "fit" and x is not None and not is_array:
            # Datasets carry their own order; Keras would warn that the
            # default shuffle=True is ignored.
            kwargs.setdefault("shuffle", False)
        x = audio_checks.prepare_audio(x)
        if purpose == "fit":
            x, kwargs = one_pipeline_for_epochs(x, y, kwargs, is_array)
        return x, y, kwargs

    def call_inputs(self, inputs):
        """Lists of clips (`model([clip_a, clip_b])`) -> a padded batch."""
        if isinstance(inputs, list):
            return audio_checks.check_audio_array(inputs)
        return inputs

    def standardize(self, data):
        return standardize_audio_batch(data)

    def batch_count(self, data):
        return ops.shape(select_waveform(data))[0]

    def encoder_inputs(self, batch):
        return {WAVEFORM_KEY: batch[WAVEFORM_KEY], MASK_KEY: batch[MASK_KEY]}

    def first_batch_count(self, x, batch_size=None):
        if x is None:
            return None
        if is_tf_dataset(x):
            for batch in x.take(1):
                return int(np.shape(select_waveform(batch))[0])
            return None
        waveform = select_waveform(x)
        if hasattr(waveform, "shape") and len(waveform.shape):
            return min(batch_size or _KERAS_BATCH_SIZE, int(waveform.shape[0]))
        return None


def _feature_dim(encoder):
    shape = getattr(encoder, "output_shape", None)
    if isinstance(shape, tuple) and shape and isinstance(shape[-1], int):
        return shape[-1]
    return None


def _audio_part(data):
    # `x`, `(x,)`, `(x, y)`, `(x, y, w)`: the inputs are the first entry.
    while isinstance(data, (tuple, list)):
        data = data[0]
    return data


def select_waveform(data):
    """The samples of a batch (a tensor, a dict or an `(x, y)` tuple).

    Example:
    >>> select_waveform(({"waveform": np.zeros((2, 8))}, labels)).shape
    (2, 8)
    """
    data = _audio_part(data)
    return data[WAVEFORM_KEY] if isinstance(data, dict) else data


def standardize_audio_batch(data):
    """One batch, as `fit` delivers it -> float32 waveforms and their mask.

    Runs inside the step with `keras.ops`: int16 PCM is scaled by 1/32768,
    a channel axis of 1 is dropped, a missing mask means every sample is
    real, and padded samples are set to zero.

    Args:
        data: waveforms `(N, T)` / `(N, T, 1)`, a dict with `"waveform"`
            (and `"padding_mask"`), or a tuple whose first entry is one.

    Returns:
        `{"waveform": float32 (N, T), "padding_mask": bool (N, T)}`.

    Example:
    >>> batch = standardize_audio_batch(np.full((2, 4), 16384, "int16"))
    >>> keras.ops.convert_to_numpy(batch["waveform"])[0]
    array([0.5, 0.5, 0.5, 0.5], dtype=float32)
    """
    data = _audio_part(data)
    mask = None
    if isinstance(data, dict):
        mask = data.get(MASK_KEY)
        data = data[WAVEFORM_KEY]
    waveform = ops.convert_to_tensor(data)
    dtype = keras.backend.standardize_dtype(waveform.dtype)
    if len(waveform.shape) == 3:
        waveform = ops.squeeze(waveform, axis=-1)
    if dtype.startswith("int") or dtype.startswith("uint"):
        waveform = ops.cast(waveform, "float32") / audio_checks.INT16_SCALE
    elif dtype != "float32":
        waveform = ops.cast(waveform, "float32")
    if mask is None:
        mask = ops.ones(ops.shape(waveform), "bool")
    else:
        mask = ops.cast(mask, "bool")
        waveform = ops.where(mask, waveform, ops.zeros_like(waveform))
    return {WAVEFORM_KEY: waveform, MASK_KEY: mask}
