import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.losses import moco_logits
from keras_ssl.losses import moco_loss


def normalize(x):
    x = np.asarray(x, "float64")
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def cross_entropy(logits, labels):
    shifted = logits - logits.max(1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
    return -log_probs[np.arange(len(labels)), labels].mean()


def moco_v3_ctr(q, k, t):
    """MoCo v3 Algorithm 1, literally (rows L2-normalised, as in its code):
    logits = mm(q, k.t()); labels = range(N); CrossEntropy(logits / t) * 2t."""
    logits = normalize(q) @ normalize(k).T
    return cross_entropy(logits / t, np.arange(len(q))) * 2 * t


def moco_v2_with_batch_negatives(q, k, queue, t):
    """MoCo v1/v2 Algorithm 1 (l_pos = bmm(q, k), l_neg = mm(q, queue),
    logits = cat([l_pos, l_neg]) / t, labels = zeros), the negatives being
    the queue and, as in v3, the other keys of the batch; times 2t."""
    q, k, queue = normalize(q), normalize(k), normalize(queue)
    losses = []
    for i in range(len(q)):
        l_pos = q[i] @ k[i]
        negatives = np.concatenate([np.delete(k, i, axis=0), queue])
        l_neg = negatives @ q[i]
        logits = np.concatenate([[l_pos], l_neg])[None] / t
        losses.append(cross_entropy(logits, np.zeros(1, int)))
    return np.mean(losses) * 2 * t


@pytest.mark.parametrize("batch_size", [1, 3, 16])
@pytest.mark.parametrize("dim", [2, 7])
@pytest.mark.parametrize("temperature", [0.2, 1.0])
def test_matches_moco_v3_algorithm_1(batch_size, dim, temperature):
    rng = np.random.default_rng(batch_size * dim)
    q, k = rng.normal(size=(2, batch_size, dim)).astype("float32")
    per_query = np.asarray(moco_loss(q, k, temperature=temperature))
    assert per_query.shape == (batch_size,)
    np.testing.assert_allclose(
        per_query.mean(), moco_v3_ctr(q, k, temperature), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("batch_size", [1, 4, 9])
@pytest.mark.parametrize("queue_size", [1, 16])
def test_queue_adds_negatives_as_in_moco_v2(batch_size, queue_size):
    rng = np.random.default_rng(batch_size + queue_size)
    q, k = rng.normal(size=(2, batch_size, 5)).astype("float32")
    queue = rng.normal(size=(queue_size, 5)).astype("float32")
    loss = np.asarray(moco_loss(q, k, temperature=0.2, queue=queue)).mean()
    expected = moco_v2_with_batch_negatives(q, k, queue, 0.2)
    np.testing.assert_allclose(loss, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("temperature", [0.1, 0.2])
def test_orthogonal_pairs_give_the_closed_form(temperature):
    # Positive cosine 1, the N - 1 + K negatives cosine 0:
    # 2t * log(1 + (N - 1 + K) e^(-1/t)).
    n, queue_size = 3, 4
    z = np.eye(n, 8, dtype="float32") * 2.0
    queue = np.eye(8, dtype="float32")[n:n + queue_size]
    for queue_, negatives in ((None, n - 1), (queue, n - 1 + queue_size)):
        expected = 2 * temperature * np.log(1 + negatives * np.exp(-1 / temperature))
        loss = np.asarray(moco_loss(z, z, temperature, queue=queue_))
        np.testing.assert_allclose(loss, expected, rtol=1e-4, atol=1e-6)


def test_logits_put_the_batch_keys_first_then_the_queue():
    q = np.eye(2, 3, dtype="float32")
    queue = np.ones((4, 3), "float32")
    logits, labels = moco_logits(q, q, temperature=0.5, queue=queue)
    assert tuple(logits.shape) == (2, 6)
    assert np.asarray(labels).tolist() == [0, 1]
    np.testing.assert_allclose(np.asarray(logits)[:, :2], 2 * np.eye(2), atol=1e-6)


def test_scale_invariant_and_float32_from_bfloat16():
    rng = np.random.default_rng(0)
    q, k = rng.normal(size=(2, 6, 8)).astype("float32")
    loss = np.asarray(moco_loss(q, k))
    np.testing.assert_allclose(np.asarray(moco_loss(3.0 * q, 0.1 * k)), loss, rtol=1e-5)
    low = moco_loss(keras.ops.cast(q, "bfloat16"), keras.ops.cast(k, "bfloat16"))
    assert keras.backend.standardize_dtype(low.dtype) == "float32"
    np.testing.assert_allclose(np.asarray(low), loss, rtol=0.05)


def test_bad_arguments_are_refused():
    z = np.ones((2, 3), "float32")
    with pytest.raises(ValueError, match="temperature"):
        moco_loss(z, z, temperature=-0.2)
    with pytest.raises(ValueError, match="same shape"):
        moco_loss(z, np.ones((3, 3), "float32"))
    with pytest.raises(ValueError, match="queue"):
        moco_loss(z, z, queue=np.ones((4, 2), "float32"))
    assert keras.saving.get_registered_object("keras_ssl>moco_loss") is (
        keras_ssl.losses.moco_loss
    )
