import functools

import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.callbacks import CollapseWarning
from keras_ssl.methods.span_masking import sample_distractor_indices
from keras_ssl.methods.span_masking import span_mask
from method_test_case import assert_same_weights
from test_case import run_model_saving_test
from test_case import run_serialization_test

to_numpy = keras.ops.convert_to_numpy
# 0.25 s crops: 21 frames, room for 10-frame spans; short clips keep the
# JAX compile of the step small.
CROP = 2000


@functools.lru_cache(maxsize=None)
def fsdd_clips(count=32):
    audio, _ = keras_ssl.datasets.fsdd("train", path=keras_ssl.datasets.FSDD_SUBSET)
    return {key: value[:count, :CROP] for key, value in audio.items()}


def make_model(**kwargs):
    keras.utils.set_random_seed(0)  # same initial weights at every call
    encoder = keras_ssl.encoders.Wav2Vec2Encoder(
        conv_dim=8, hidden_dim=8, num_layers=1, num_heads=2, mlp_dim=16,
        position_kernel=4, position_groups=2,
    )
    kwargs.setdefault("num_entries", 16)
    kwargs.setdefault("num_negatives", 10)
    return keras_ssl.Wav2Vec2(encoder, seed=0, **kwargs)


def runs(mask_row):
    """Lengths of the runs of True in a 1-D bool array."""
    padded = np.concatenate([[0], mask_row.astype(int), [0]])
    edges = np.flatnonzero(np.diff(padded))
    return edges[1::2] - edges[::2]


def test_span_masks_respect_padding_minimum_span_and_seed():
    lengths = np.array([40, 25, 12, 7, 0, 40])
    frame_mask = np.arange(40)[None, :] < lengths[:, None]
    generator = keras.random.SeedGenerator(1)
    masks = [to_numpy(span_mask(frame_mask, 0.065, 10, generator)) for _ in range(8)]
    for mask in masks:
        assert not np.any(mask & ~frame_mask)  # padding never masked
        for row, length in zip(mask, lengths):
            if length == 0:
                assert not row.any()
            elif length < 10:
                assert row.sum() == length  # a clip shorter than a span
            else:
                assert row.any() and min(runs(row)) >= 10  # whole spans
    assert not np.array_equal(masks[0], masks[1])  # fresh every step
    again = to_numpy(span_mask(frame_mask, 0.065, 10, keras.random.SeedGenerator(1)))
    np.testing.assert_array_equal(masks[0], again)
    # p = 0.065 of the frames start a span: about 1 - (1 - p)^10 ~ 49% masked.
    every = to_numpy(span_mask(np.ones((200, 100), bool), 0.065, 10, generator))
    assert 0.4 < every.mean() < 0.55
    with pytest.raises(ValueError, match="mask_prob"):
        span_mask(frame_mask, 0.0, 10, generator)


def test_distractors_are_other_masked_frames_of_the_same_clip():
    mask = np.zeros((3, 12), bool)
    mask[0, 2:9] = True
    mask[1, [0, 5, 11]] = True
    mask[2, 4] = True  # a single masked frame
    negatives = to_numpy(sample_distractor_indices(mask, 50, keras.random.SeedGenerator(0)))
    assert negatives.shape == (3, 12, 50)
    for n in range(3):
        for t in np.flatnonzero(mask[n]):
            drawn = negatives[n, t]
            assert np.all(mask[n, drawn])  # masked frames of clip n only
            if mask[n].sum() > 1:
                assert t not in drawn  # the positive excluded
                assert len(set(drawn)) == mask[n].sum() - 1  # all others drawn
            else:
                assert np.all(drawn == t)  # equal codes: dropped by the loss


def test_a_few_steps_lower_the_loss_and_resume_exactly_from_a_keras_file(tmp_path):
    # One run of 4 epochs, saved after the first: the reloaded copy's last 3
    # epochs match the run's weight for weight (two compiles, not three).
    clips = fsdd_clips()
    model = make_model(total_steps=8)
    model.compile()
    fit = functools.partial(model.fit, clips, batch_size=16, shuffle=False, verbose=0)
    first = fit(epochs=1).history
    run_serialization_test(model)
    resumed = run_model_saving_test(model, clips, str(tmp_path / "wav2vec2.keras"))
    assert to_numpy(resumed(clips)).shape == (32, 8)
    assert int(to_numpy(resumed.gumbel_step.value)) == 2
    logs = {name: first[name] + rest for name, rest in fit(epochs=3).history.items()}
    resumed.fit(clips, epochs=3, batch_size=16, shuffle=False, verbose=0)
    assert_same_weights(model, resumed, atol=1e-6)
    assert int(to_numpy(model.gumbel_step.value)) == 8

    assert np.all(np.isfinite(logs["loss"])) and logs["loss"][-1] < logs["loss"][0], logs
    for name in ("contrastive_accuracy", "codebook_perplexity", "codebook_usage"):
        assert name in logs
    assert 1.0 <= logs["codebook_perplexity"][-1] <= 2 * 16
    temperatures = logs["gumbel_temperature"]
    assert 2.0 > temperatures[0] > temperatures[-1] > 0.5  # annealed over 8 steps


def test_the_annealing_is_planned_from_fit_total_steps_or_the_papers_decay():
    model = make_model()
    model.begin_fit(4, 2)
    assert int(to_numpy(model.planned_steps.value)) == 8
    with pytest.raises(ValueError, match="total_steps"):
        model.begin_fit(4, None)
    make_model(gumbel_decay=0.999995).begin_fit(4, None)  # needs no plan
    model = make_model(total_steps=100)
    model.begin_fit(4, 2)
    assert int(to_numpy(model.planned_steps.value)) == 100


def test_bad_encoder_arguments_and_inputs_get_clear_errors():
    with pytest.raises(TypeError, match="Wav2Vec2Encoder"):
        keras_ssl.Wav2Vec2(keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)))
    with pytest.raises(ValueError, match="mask_prob"):
        make_model(mask_prob=1.5)
    with pytest.raises(ValueError, match="num_negatives"):
        make_model(num_negatives=0)
    with pytest.raises(ValueError, match="multiple of num_groups"):
        make_model(code_dim=9)
    model = make_model()
    model.compile()
    with pytest.raises(ValueError, match="[Ss]tereo|mono|channel"):
        model.fit(np.zeros((4, 2000, 2), "float32"), epochs=1, verbose=0)


def test_a_collapsed_quantizer_warns_after_two_epochs():
    model = make_model()  # G x V = 32: collapse below 3.2
    model.begin_fit(1, 1)
    model.end_epoch(0, {"codebook_perplexity": 2.0})
    with pytest.warns(CollapseWarning, match="codebook_perplexity"):
        model.end_epoch(1, {"codebook_perplexity": 2.5})
    model.begin_fit(1, 1)
    model.end_epoch(0, {"codebook_perplexity": 2.0})
    model.end_epoch(1, {"codebook_perplexity": 20.0})
    assert model.collapsed_epochs == 0 and not model.collapse_warned
