import keras
import numpy as np
import pytest
from keras import ops

import keras_ssl
from keras_ssl.data import audio_checks
from keras_ssl.inputs.audio_inputs import standardize_audio_batch

tf = pytest.importorskip("tensorflow")

RATE = 8000


class _MaskedStats(keras.layers.Layer):
    """Mean and mean |x| over the real samples of each clip."""

    def call(self, waveform, padding_mask):
        mask = ops.cast(padding_mask, "float32")
        count = ops.sum(mask, axis=1, keepdims=True)
        mean = ops.sum(waveform * mask, axis=1, keepdims=True) / count
        level = ops.sum(ops.abs(waveform) * mask, axis=1, keepdims=True) / count
        return ops.concatenate([mean, level], axis=-1)


def tiny_audio_encoder():
    waveform = keras.Input((None,), name="waveform")
    padding_mask = keras.Input((None,), dtype="bool", name="padding_mask")
    features = keras.layers.Dense(3)(_MaskedStats()(waveform, padding_mask))
    encoder = keras.Model({"waveform": waveform, "padding_mask": padding_mask}, features)
    encoder.sample_rate = RATE
    return encoder


class PullToOne(keras_ssl.methods.SSLModel):
    """A one-line audio method: the protocol's end-to-end check."""

    inputs_class = keras_ssl.inputs.AudioInputs

    def compute_ssl_loss(self, batch, training):
        features = self.encoder(self.input_format.encoder_inputs(batch), training=training)
        return ops.mean(ops.square(features - 1.0))


@pytest.fixture
def inputs():
    return keras_ssl.inputs.AudioInputs(tiny_audio_encoder())


def _clips():
    rng = np.random.default_rng(0)
    return [rng.uniform(-0.5, 0.5, n).astype("float32") for n in (5, 9, 7)]


def test_the_encoder_gives_rate_and_feature_dim(inputs):
    assert inputs.sample_rate == RATE and inputs.feature_dim == 3
    assert inputs.modality == "audio"
    with pytest.raises(ValueError, match=r"sample_rate=\.\.\."):
        keras_ssl.inputs.AudioInputs(keras.Sequential([keras.layers.Dense(2)]))


def test_clips_of_different_lengths_are_padded_with_their_mask(inputs):
    x, _, _ = inputs.prepare(_clips(), purpose="predict")
    assert x["waveform"].shape == (3, 9)
    np.testing.assert_array_equal(x["padding_mask"].sum(axis=1), [5, 9, 7])
    assert not x["waveform"][~x["padding_mask"]].any()


def test_int16_is_scaled_and_rank_3_squeezed():
    pcm = np.array([[[-32768], [16384], [0]]], "int16")
    batch = standardize_audio_batch(pcm)
    np.testing.assert_allclose(ops.convert_to_numpy(batch["waveform"]), [[-1.0, 0.5, 0.0]])
    assert ops.convert_to_numpy(batch["padding_mask"]).all()
    assert keras.backend.standardize_dtype(batch["waveform"].dtype) == "float32"


def test_padded_samples_are_zeroed_inside_the_step():
    data = ({"waveform": np.ones((2, 4), "float32"),
             "padding_mask": np.array([[1, 1, 0, 0], [1, 1, 1, 1]], bool)}, np.zeros(2))
    batch = standardize_audio_batch(data)
    np.testing.assert_array_equal(
        ops.convert_to_numpy(batch["waveform"]), [[1, 1, 0, 0], [1, 1, 1, 1]]
    )


def test_int_dtypes_in_int16_range_become_int16(inputs):
    x, _, _ = inputs.prepare(np.array([[-5, 7, 32767]], "int64"), purpose="predict")
    assert x.dtype == np.int16
    x, _, _ = inputs.prepare(np.zeros((2, 6), "float64"), purpose="predict")
    assert x.dtype == np.float32


# Each bad input, and words its error message must contain.
BAD_INPUTS = {
    "stereo": (np.zeros((2, 100, 2), "float32"), r"2 channels.*mono.*mean\(axis=-1\)"),
    "one_stereo_clip": (np.zeros((800, 2), "float32"), r"\(samples, channels\)"),
    "nan": (np.full((2, 10), np.nan, "float32"), "NaN or infinite"),
    "inf": (np.array([[0.0, np.inf]], "float32"), "NaN or infinite"),
    "empty_batch": (np.zeros((0, 100), "float32"), "empty"),
    "empty_clip": ([np.zeros(4, "float32"), np.zeros(0, "float32")], "Clip 1 is empty"),
    "empty_list": ([], "empty"),
    "unscaled_pcm": (np.full((2, 10), 1200.0, "float32"), r"unscaled 16-bit PCM.*32768.*int16"),
    "int32_pcm": (np.full((2, 10), 2**20, "int32"), r"16-bit PCM.*2\*\*23"),
    "uint8": (np.full((2, 10), 128, "uint8"), "unsigned around 128"),
    "strings": (np.array([["a.wav"]]), "Decode"),
    "single_clip": (np.zeros(100, "float32"), r"x\[None\]"),
    "rank_4": (np.zeros((2, 3, 4, 1), "float32"), "rank 4"),
    "all_padding": ({"waveform": np.zeros((2, 4), "float32"),
                     "padding_mask": np.array([[1, 0, 0, 0], [0, 0, 0, 0]])}, "clip 1"),
    "mask_shape": ({"waveform": np.zeros((2, 4), "float32"),
                    "padding_mask": np.ones((2, 3), bool)}, "padding_mask has shape"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_inputs_raise_errors_naming_the_fix(inputs, case):
    data, message = BAD_INPUTS[case]
    with pytest.raises(ValueError, match=message):
        inputs.prepare(data, purpose="predict")


def test_a_declared_sample_rate_is_checked(inputs):
    with pytest.raises(ValueError, match=r"16000 Hz.*8000 Hz.*resample"):
        inputs.prepare(np.zeros((2, 10), "float32"), purpose="fit", sample_rate=16000)
    _, _, kwargs = inputs.prepare(np.zeros((2, 10), "float32"), purpose="predict",
                                  sample_rate=RATE)
    assert "sample_rate" not in kwargs


def test_datasets_are_checked_by_their_first_batch(inputs):
    single = tf.data.Dataset.from_tensor_slices(np.zeros((4, 10), "float32"))
    with pytest.raises(ValueError, match="not batches"):
        inputs.prepare(single, purpose="predict")
    loud = tf.data.Dataset.from_tensor_slices(np.full((4, 10), 3.0, "float32")).batch(2)
    with pytest.raises(ValueError, match="unscaled"):
        inputs.prepare(loud, purpose="predict")


@pytest.mark.parametrize("jit_compile", [False, True])
def test_an_audio_method_fits_and_predicts_every_form(jit_compile):
    model = PullToOne(encoder=tiny_audio_encoder(), seed=0)
    model.compile(jit_compile=jit_compile)
    padded = audio_checks.pad_clips(_clips() * 2)
    pcm = (np.stack([np.sin(np.arange(12) * k) for k in range(1, 5)]) * 9000).astype("int16")
    dataset = tf.data.Dataset.from_tensor_slices(padded).batch(3)
    for x in (_clips() * 2, padded, pcm, pcm[..., None], dataset):
        history = model.fit(x, batch_size=3, epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"][0]) and history.history["loss"][0] > 0
    features = model.predict(_clips(), verbose=0)
    assert features.shape == (3, 3)
    # Padding does not change a clip's features.
    alone = model.predict([_clips()[0]], verbose=0)
    np.testing.assert_allclose(features[0], alone[0], rtol=1e-5, atol=1e-6)
