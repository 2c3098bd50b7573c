import keras
import numpy as np
import pytest

from keras_ssl.layers.gumbel_vector_quantizer import GumbelVectorQuantizer
from keras_ssl.layers.gumbel_vector_quantizer import gumbel_temperature
from keras_ssl.losses import codebook_perplexity
from keras_ssl.losses import wav2vec2_contrastive_loss
from keras_ssl.losses import wav2vec2_diversity_loss
from test_case import run_serialization_test

to_numpy = keras.ops.convert_to_numpy


def numpy_contrastive(context, targets, mask, negatives, codes, kappa):
    """Eq. 3 of the paper, frame by frame: -log of the positive's share of
    exp(cos / kappa) over the positive and the distractors whose code differs."""
    losses = []
    for n in range(context.shape[0]):
        for t in range(context.shape[1]):
            if not mask[n, t]:
                continue
            c = context[n, t]

            def cos(q):
                return np.dot(c, q) / (np.linalg.norm(c) * np.linalg.norm(q))

            positive = np.exp(cos(targets[n, t]) / kappa)
            total = positive
            for index in negatives[n, t]:
                if np.array_equal(codes[n, index], codes[n, t]):
                    continue  # the same quantized vector: not a negative
                total += np.exp(cos(targets[n, index]) / kappa)
            losses.append(-np.log(positive / total))
    return np.mean(losses)


def numpy_diversity(probs, mask):
    """Eq. 4: (G V - sum_g exp(H(mean_frames p_g))) / (G V)."""
    groups, entries = probs.shape[-2:]
    average = probs[mask].mean(axis=0)  # (G, V)
    perplexity = sum(np.exp(-np.sum(p * np.log(p))) for p in average)
    return (groups * entries - perplexity) / (groups * entries), perplexity


def example(seed=0, n=2, frames=7, dim=5, k=6):
    rng = np.random.default_rng(seed)
    context = rng.normal(size=(n, frames, dim)).astype("float32")
    targets = rng.normal(size=(n, frames, dim)).astype("float32")
    mask = rng.random((n, frames)) < 0.6
    mask[:, 0] = True
    negatives = rng.integers(0, frames, (n, frames, k))
    codes = rng.integers(0, 3, (n, frames, 2))  # few codes: many equal pairs
    return context, targets, mask, negatives, codes


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_contrastive_loss_matches_the_papers_equation(seed):
    context, targets, mask, negatives, codes = example(seed)
    loss, logits = wav2vec2_contrastive_loss(context, targets, mask, negatives, codes, 0.1)
    expected = numpy_contrastive(context, targets, mask, negatives, codes, 0.1)
    np.testing.assert_allclose(to_numpy(loss), expected, rtol=1e-5, atol=1e-5)
    assert to_numpy(logits).shape == (2, 7, 7)


def test_distractors_with_the_positives_code_are_not_negatives():
    context, targets, mask, negatives, codes = example(3)
    codes[:] = 0  # every distractor shares the positive's code
    loss, _ = wav2vec2_contrastive_loss(context, targets, mask, negatives, codes, 0.1)
    assert abs(float(to_numpy(loss))) < 1e-6
    # A code equal in one codebook only still counts as a negative.
    codes[:, :, 1] = np.arange(7)[None, :]
    negatives[:] = (np.arange(7)[None, :, None] + 1) % 7
    loss, _ = wav2vec2_contrastive_loss(context, targets, mask, negatives, codes, 0.1)
    expected = numpy_contrastive(context, targets, mask, negatives, codes, 0.1)
    np.testing.assert_allclose(to_numpy(loss), expected, rtol=1e-5)
    assert float(to_numpy(loss)) > 0.01


def test_no_masked_frame_gives_zero_and_bad_temperature_is_refused():
    context, targets, mask, negatives, codes = example()
    loss, _ = wav2vec2_contrastive_loss(context, targets, mask * False, negatives, codes)
    assert float(to_numpy(loss)) == 0.0
    with pytest.raises(ValueError, match="temperature"):
        wav2vec2_contrastive_loss(context, targets, mask, negatives, codes, 0.0)


def test_diversity_loss_matches_the_papers_equation_and_its_bounds():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2, 7, 2, 4)) * 2
    probs = (np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)).astype("float32")
    mask = rng.random((2, 7)) < 0.7
    expected, perplexity = numpy_diversity(probs, mask)
    np.testing.assert_allclose(to_numpy(wav2vec2_diversity_loss(probs, mask)), expected, atol=1e-5)
    np.testing.assert_allclose(to_numpy(codebook_perplexity(probs, mask)), perplexity, rtol=1e-5)
    uniform = np.full((2, 7, 2, 4), 0.25, "float32")
    assert abs(float(to_numpy(wav2vec2_diversity_loss(uniform, mask)))) < 1e-6
    one_entry = np.zeros((2, 7, 2, 4), "float32")
    one_entry[..., 1] = 1.0
    np.testing.assert_allclose(to_numpy(wav2vec2_diversity_loss(one_entry, mask)), 0.75, atol=1e-5)


def test_gumbel_temperature_anneals_from_2_to_half():
    values = [float(to_numpy(gumbel_temperature(s, 100))) for s in (0, 50, 100, 200)]
    np.testing.assert_allclose(values, [2.0, 1.0, 0.5, 0.5], rtol=1e-5)
    paper = [float(to_numpy(gumbel_temperature(s, 1, decay=0.999995))) for s in (0, 10**5, 10**6)]
    np.testing.assert_allclose(paper, [2.0, 2.0 * 0.999995 ** 10**5, 0.5], rtol=1e-4)
    with pytest.raises(ValueError, match="start"):
        gumbel_temperature(0, 10, start=0.5, end=2.0)


def test_quantizer_picks_one_entry_per_codebook_straight_through():
    quantizer = GumbelVectorQuantizer(num_groups=2, num_entries=8, code_dim=6)
    features = np.random.default_rng(0).normal(size=(3, 5, 4)).astype("float32")
    out = quantizer(features, temperature=2.0)
    codes = to_numpy(out["codes"])
    assert codes.shape == (3, 5, 2) and to_numpy(out["probs"]).shape == (3, 5, 2, 8)
    codebook = to_numpy(quantizer.codebook)
    expected = np.concatenate([codebook[0][codes[..., 0]], codebook[1][codes[..., 1]]], -1)
    np.testing.assert_allclose(to_numpy(out["quantized"]), expected, atol=1e-6)
    # Inference: the argmax of the logits; training: hard Gumbel choices.
    np.testing.assert_array_equal(codes, to_numpy(out["probs"]).argmax(-1))
    trained = quantizer(
        features, temperature=2.0, seed=keras.random.SeedGenerator(1), training=True
    )
    trained_codes = to_numpy(trained["codes"])
    assert trained_codes.min() >= 0 and trained_codes.max() < 8
    expected = np.concatenate(
        [codebook[0][trained_codes[..., 0]], codebook[1][trained_codes[..., 1]]], -1
    )
    np.testing.assert_allclose(to_numpy(trained["quantized"]), expected, atol=1e-5)
    with pytest.raises(ValueError, match="seed"):
        quantizer(features, temperature=2.0, training=True)
    with pytest.raises(ValueError, match="multiple of num_groups"):
        GumbelVectorQuantizer(num_groups=2, num_entries=8, code_dim=5)
    run_serialization_test(quantizer)
