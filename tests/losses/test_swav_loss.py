import keras
import numpy as np
import pytest

from keras_ssl.losses import sinkhorn_knopp
from keras_ssl.losses import swav_loss

to_numpy = keras.ops.convert_to_numpy


def sinkhorn(scores, eps=0.05, niters=3):
    """SwAV Algorithm 1's `sinkhorn`, literally (float64)."""
    Q = np.exp(scores / eps).T
    Q /= np.sum(Q)
    K, B = Q.shape
    u, r, c = np.zeros(K), np.ones(K) / K, np.ones(B) / B
    for _ in range(niters):
        u = np.sum(Q, axis=1)
        Q *= (r / u)[:, None]
        Q *= (c / np.sum(Q, axis=0))[None, :]
    return (Q / np.sum(Q, axis=0, keepdims=True)).T


def sinkhorn_with_queue(scores, queue_scores, eps=0.05, niters=3):
    """The paper's code (main_swav.py) with its queue: `out = cat(queue @ C.T,
    out); q = distributed_sinkhorn(out)[-bs:]`."""
    return sinkhorn(np.concatenate([queue_scores, scores]), eps, niters)[-len(scores):]


def log_softmax(x):
    x = x - x.max(axis=1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=1, keepdims=True))


def algorithm_1_loss(scores_t, scores_s, q_t, q_s, temp=0.1):
    """Algorithm 1: loss = -0.5 * mean(q_t * log(p_s) + q_s * log(p_t)),
    summed over the prototypes, averaged over the batch."""
    log_p_t, log_p_s = log_softmax(scores_t / temp), log_softmax(scores_s / temp)
    return -0.5 * np.mean(np.sum(q_t * log_p_s + q_s * log_p_t, axis=1))


def multi_crop_loss(scores, codes, temp=0.1):
    """The code's loop: for each coded crop, the mean over the other crops of
    -mean(sum(q * log_softmax(x / T))), divided by (crops - 1); averaged."""
    loss = 0.0
    for i, q in enumerate(codes):
        subloss = 0.0
        for v in np.delete(np.arange(len(scores)), i):
            subloss -= np.mean(np.sum(q * log_softmax(scores[v] / temp), axis=1))
        loss += subloss / (len(scores) - 1)
    return loss / len(codes)


def unit_scores(rng, n, k, d=8):
    """Cosine similarities of random unit features and prototypes."""
    z = rng.normal(size=(n, d))
    c = rng.normal(size=(d, k))
    return (z / np.linalg.norm(z, axis=1, keepdims=True)) @ (c / np.linalg.norm(c, axis=0))


@pytest.mark.parametrize("n, k, eps, iters", [(8, 16, 0.05, 3), (5, 7, 0.3, 1)])
def test_sinkhorn_matches_algorithm_1(n, k, eps, iters):
    scores = unit_scores(np.random.default_rng(n), n, k)
    codes = to_numpy(sinkhorn_knopp(scores.astype("float32"), eps, iters))
    np.testing.assert_allclose(codes, sinkhorn(scores, eps, iters), atol=1e-5)
    np.testing.assert_allclose(codes.sum(axis=1), 1.0, atol=1e-5)


def test_sinkhorn_with_a_queue_matches_the_papers_code():
    rng = np.random.default_rng(3)
    scores, queue_scores = unit_scores(rng, 6, 12), unit_scores(rng, 20, 12)
    codes = to_numpy(sinkhorn_knopp(
        scores.astype("float32"), queue_scores=queue_scores.astype("float32")
    ))
    assert codes.shape == (6, 12)
    np.testing.assert_allclose(codes, sinkhorn_with_queue(scores, queue_scores), atol=1e-5)
    alone = to_numpy(sinkhorn_knopp(scores.astype("float32")))
    assert np.abs(codes - alone).max() > 1e-3  # the queue takes part in the sums


def test_sinkhorn_splits_the_batch_evenly_and_a_huge_epsilon_is_uniform():
    scores = unit_scores(np.random.default_rng(4), 40, 8)
    codes = to_numpy(sinkhorn_knopp(scores.astype("float32"), iterations=50))
    np.testing.assert_allclose(codes.sum(axis=0), 40 / 8, rtol=1e-2)
    uniform = to_numpy(sinkhorn_knopp(scores.astype("float32"), epsilon=1e4))
    np.testing.assert_allclose(uniform, 1 / 8, atol=1e-4)
    # A tiny epsilon neither overflows nor gives NaN (log domain).
    sharp = to_numpy(sinkhorn_knopp(scores.astype("float32"), epsilon=1e-3))
    assert np.all(np.isfinite(sharp))


def test_two_crops_give_algorithm_1_loss():
    rng = np.random.default_rng(5)
    scores_t, scores_s = unit_scores(rng, 8, 16), unit_scores(rng, 8, 16)
    q_t, q_s = sinkhorn(scores_t), sinkhorn(scores_s)
    loss = to_numpy(swav_loss(
        [scores_t.astype("float32"), scores_s.astype("float32")],
        [q_t.astype("float32"), q_s.astype("float32")],
    ))
    assert loss.shape == (8,)
    np.testing.assert_allclose(loss.mean(), algorithm_1_loss(scores_t, scores_s, q_t, q_s), rtol=1e-5)


@pytest.mark.parametrize("local_crops, queue", [(0, False), (3, False), (2, True)])
def test_multi_crop_loss_with_codes_matches_the_papers_code(local_crops, queue):
    rng = np.random.default_rng(6 + local_crops)
    scores = [unit_scores(rng, 8, 16) for _ in range(2 + local_crops)]
    queue_scores = [unit_scores(rng, 24, 16) for _ in range(2)] if queue else [None] * 2
    codes = [
        sinkhorn_with_queue(s, q) if queue else sinkhorn(s)
        for s, q in zip(scores[:2], queue_scores)
    ]
    ours = [
        sinkhorn_knopp(s.astype("float32"), queue_scores=None if q is None else q.astype("float32"))
        for s, q in zip(scores[:2], queue_scores)
    ]
    loss = to_numpy(swav_loss([s.astype("float32") for s in scores], ours, temperature=0.1))
    np.testing.assert_allclose(loss.mean(), multi_crop_loss(scores, codes), rtol=1e-5)


def test_codes_carry_no_gradient_and_bad_arguments_are_refused():
    scores = unit_scores(np.random.default_rng(7), 4, 6).astype("float32")
    for kwargs, match in (({"epsilon": 0.0}, "epsilon"), ({"iterations": 0}, "iterations")):
        with pytest.raises(ValueError, match=match):
            sinkhorn_knopp(scores, **kwargs)
    with pytest.raises(ValueError, match="shape"):
        sinkhorn_knopp(scores[0])
    with pytest.raises(ValueError, match="temperature"):
        swav_loss([scores, scores], [scores], temperature=0.0)
    with pytest.raises(ValueError, match="2 or more crops"):
        swav_loss([scores], [scores])
    if keras.backend.backend() == "jax":
        import jax

        grad = jax.grad(lambda s: keras.ops.sum(sinkhorn_knopp(s) * s))(scores)
        np.testing.assert_allclose(to_numpy(grad), to_numpy(sinkhorn_knopp(scores)), atol=1e-6)
