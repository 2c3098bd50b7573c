import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.encoders.wav2vec2_layers import CONV_KERNELS
from keras_ssl.encoders.wav2vec2_layers import STRIDES_8KHZ
from keras_ssl.encoders.wav2vec2_layers import frame_lengths
from test_case import run_model_saving_test
from test_case import run_serialization_test

to_numpy = keras.ops.convert_to_numpy


def tiny_encoder(**kwargs):
    kwargs = {"conv_dim": 8, "hidden_dim": 8, "num_layers": 1, "num_heads": 2,
              "mlp_dim": 16, "position_kernel": 4, "position_groups": 2, **kwargs}
    return keras_ssl.encoders.Wav2Vec2Encoder(**kwargs)


# One batch shape for every test: eager JAX compiles each op once per shape.
def clips_batch(lengths, total=3000, pad_value=0.0, seed=0):
    rng = np.random.default_rng(seed)
    waveform = rng.uniform(-pad_value, pad_value, (len(lengths), total)).astype("float32")
    mask = np.arange(total)[None, :] < np.array(lengths)[:, None]
    clips = np.random.default_rng(seed + 1).uniform(-0.5, 0.5, (len(lengths), total))
    waveform[mask] = clips.astype("float32")[mask]
    return {"waveform": waveform, "padding_mask": mask}


def test_frames_at_8khz_leave_room_for_span_masking():
    # FSDD: median clip 3,358 samples, shortest 1,148, longest 18,262.
    counts = to_numpy(frame_lengths(np.array([3358, 1148, 18262, 319, 320]),
                                    CONV_KERNELS, STRIDES_8KHZ))
    np.testing.assert_array_equal(counts, [38, 11, 225, 0, 1])
    assert tiny_encoder().receptive_field == 320


def test_shapes_frame_model_and_sample_rate():
    encoder = tiny_encoder()
    batch = clips_batch([3000, 1148])
    assert to_numpy(encoder(batch)).shape == (2, 8)
    out = encoder.frame_model(batch)
    assert to_numpy(out["frames"]).shape == (2, 34, 8)
    np.testing.assert_array_equal(to_numpy(out["frame_mask"]).sum(axis=1), [34, 11])
    # The pooled vector is the mean of the valid frames.
    frames, mask = to_numpy(out["frames"]), to_numpy(out["frame_mask"])
    np.testing.assert_allclose(
        to_numpy(encoder(batch))[1], frames[1][mask[1]].mean(axis=0), atol=1e-5
    )
    inputs = keras_ssl.inputs.AudioInputs(encoder)
    assert inputs.sample_rate == 8000 and inputs.feature_dim == 8


@pytest.mark.parametrize("feature_norm", ["group", "layer"])
def test_padding_does_not_change_a_clips_vector(feature_norm):
    encoder = tiny_encoder(feature_norm=feature_norm)
    zero_padded = clips_batch([1500, 3000])
    # The same clip, its padding noise that the mask hides, beside another clip.
    noise_padded = clips_batch([1500, 2600], pad_value=0.9)
    np.testing.assert_array_equal(noise_padded["waveform"][0, :1500],
                                  zero_padded["waveform"][0, :1500])
    np.testing.assert_allclose(to_numpy(encoder(noise_padded))[0],
                               to_numpy(encoder(zero_padded))[0], rtol=1e-4, atol=1e-5)


def test_the_objectives_api_rebuilds_the_frames():
    encoder = tiny_encoder()
    batch = clips_batch([2000, 1200])
    features, frame_mask = encoder.feature_frames(batch)
    assert to_numpy(features).shape == (2, 34, 8)
    np.testing.assert_array_equal(to_numpy(frame_mask).sum(axis=1), [22, 12])
    frames = encoder.context_frames(encoder.project_features(features), frame_mask)
    np.testing.assert_allclose(
        to_numpy(frames), to_numpy(encoder.frame_model(batch)["frames"]), atol=1e-5
    )


def test_config_and_keras_round_trip(tmp_path):
    encoder = tiny_encoder(feature_norm="layer", sample_rate=16000)
    revived = run_serialization_test(encoder)
    assert revived.sample_rate == 16000 and revived.feature_norm == "layer"
    restored = run_model_saving_test(
        encoder, clips_batch([1400, 900]), str(tmp_path / "wav2vec2.keras")
    )
    assert restored.strides == STRIDES_8KHZ


def test_bad_sizes_are_named():
    with pytest.raises(ValueError, match="strides needs 7 entries"):
        tiny_encoder(strides=(5, 2, 2))
    with pytest.raises(ValueError, match="multiple of num_heads"):
        tiny_encoder(num_heads=3)
    with pytest.raises(ValueError, match="norm must be 'group' or 'layer'"):
        tiny_encoder(feature_norm="batch")
