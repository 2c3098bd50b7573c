import keras
import numpy as np
import pytest

from keras_ssl.losses import dino_center_update
from keras_ssl.losses import dino_loss

to_numpy = keras.ops.convert_to_numpy


def softmax(x, axis=1):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def H(t, s, C, tps, tpt):
    """DINO Algorithm 1, literally: t = t.detach(); s = softmax(s / tps);
    t = softmax((t - C) / tpt); return -(t * log(s)).sum(dim=1).mean()."""
    s = softmax(s / tps)
    t = softmax((t - C) / tpt)
    return -(t * np.log(s)).sum(axis=1).mean()


def multi_crop_reference(student, teacher, C, tps, tpt):
    """Algorithm 1's `loss = H(t1, s2)/2 + H(t2, s1)/2`, extended as DINO's
    code does to every (teacher global, student crop) pair but the same view,
    averaged over those pairs."""
    terms = [
        H(t, s, C, tps, tpt)
        for iq, t in enumerate(teacher)
        for v, s in enumerate(student)
        if v != iq
    ]
    return np.mean(terms)


@pytest.mark.parametrize("local_crops, batch, dim", [(0, 4, 8), (2, 6, 16), (6, 3, 32)])
def test_matches_algorithm_1_on_random_logits(local_crops, batch, dim):
    rng = np.random.default_rng(local_crops)
    student = [rng.normal(size=(batch, dim)) for _ in range(2 + local_crops)]
    teacher = [rng.normal(size=(batch, dim)) for _ in range(2)]
    center = rng.normal(size=dim) * 0.5
    loss = dino_loss(
        [s.astype("float32") for s in student], [t.astype("float32") for t in teacher],
        center.astype("float32"), student_temperature=0.1, teacher_temperature=0.04,
    )
    assert tuple(loss.shape) == (batch,)
    expected = multi_crop_reference(student, teacher, center, 0.1, 0.04)
    np.testing.assert_allclose(np.mean(to_numpy(loss)), expected, rtol=1e-4)


def test_two_crops_is_the_papers_symmetric_loss():
    rng = np.random.default_rng(1)
    s1, s2, t1, t2 = (rng.normal(size=(5, 10)).astype("float32") for _ in range(4))
    C = np.zeros(10, "float32")
    loss = np.mean(to_numpy(dino_loss([s1, s2], [t1, t2], C, 0.1, 0.07)))
    expected = H(t1, s2, C, 0.1, 0.07) / 2 + H(t2, s1, C, 0.1, 0.07) / 2
    np.testing.assert_allclose(loss, expected, rtol=1e-5)


def test_a_uniform_teacher_gives_log_k_against_a_uniform_student():
    # Constant logits: both distributions uniform, H = log K.
    K = 16
    student = [np.ones((3, K), "float32")] * 4
    teacher = [np.full((3, K), 2.0, "float32")] * 2
    loss = to_numpy(dino_loss(student, teacher, np.zeros(K, "float32")))
    np.testing.assert_allclose(loss, np.log(K), rtol=1e-6)


def test_centering_shifts_the_teacher_and_a_constant_center_changes_nothing():
    rng = np.random.default_rng(2)
    student = [rng.normal(size=(4, 8)).astype("float32") for _ in range(3)]
    teacher = [rng.normal(size=(4, 8)).astype("float32") for _ in range(2)]
    zero = to_numpy(dino_loss(student, teacher, np.zeros(8, "float32")))
    constant = to_numpy(dino_loss(student, teacher, np.full(8, 3.0, "float32")))
    np.testing.assert_allclose(zero, constant, rtol=1e-5)  # softmax shift
    shifted = to_numpy(dino_loss(student, teacher, np.arange(8, dtype="float32")))
    assert not np.allclose(zero, shifted)


def test_center_update_is_the_moving_average_of_the_batch_mean():
    rng = np.random.default_rng(3)
    t1, t2 = rng.normal(size=(6, 5)), rng.normal(size=(6, 5))
    C = rng.normal(size=5)
    new = to_numpy(dino_center_update(C, [t1, t2], momentum=0.9))
    # Algorithm 1: C = m * C + (1 - m) * cat([t1, t2]).mean(dim=0)
    expected = 0.9 * C + 0.1 * np.concatenate([t1, t2]).mean(axis=0)
    np.testing.assert_allclose(new, expected, rtol=1e-5)


def test_bad_inputs_are_refused():
    x = np.zeros((2, 4), "float32")
    with pytest.raises(ValueError, match="student_temperature"):
        dino_loss([x, x], [x, x], np.zeros(4), student_temperature=0.0)
    with pytest.raises(ValueError, match="teacher_temperature"):
        dino_loss([x, x], [x, x], np.zeros(4), teacher_temperature=-1.0)
    with pytest.raises(ValueError, match="first entries are the same"):
        dino_loss([x], [x, x], np.zeros(4))
    with pytest.raises(ValueError, match="same K"):
        dino_loss([x, np.zeros((2, 5), "float32")], [x, x], np.zeros(4))
    with pytest.raises(ValueError, match="center_momentum"):
        dino_center_update(np.zeros(4), [x], momentum=1.5)
