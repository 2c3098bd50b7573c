import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.losses import negative_cosine_similarity


def simsiam_algorithm_1_d(p, z):
    """D(p, z) of SimSiam's Algorithm 1: z.detach(); p, z normalized;
    -(p * z).sum(dim=1).mean()."""
    p = p / np.linalg.norm(p, axis=1, keepdims=True)
    z = z / np.linalg.norm(z, axis=1, keepdims=True)
    return -(p * z).sum(axis=1).mean()


@pytest.mark.parametrize("batch_size,dim", [(1, 3), (5, 8), (32, 64)])
def test_matches_the_papers_pseudo_code(batch_size, dim):
    rng = np.random.default_rng(batch_size)
    p, z = rng.normal(size=(2, batch_size, dim)).astype("float32")
    loss = float(negative_cosine_similarity(p, z))
    np.testing.assert_allclose(loss, simsiam_algorithm_1_d(p, z), rtol=1e-5, atol=1e-6)


def test_closed_forms_and_symmetry():
    rng = np.random.default_rng(0)
    p, z = rng.normal(size=(2, 6, 4)).astype("float32")
    np.testing.assert_allclose(float(negative_cosine_similarity(p, p)), -1.0, atol=1e-6)
    np.testing.assert_allclose(float(negative_cosine_similarity(p, -3 * p)), 1.0, atol=1e-6)
    orthogonal = np.array([[1.0, 0.0], [0.0, 2.0]], "float32")
    assert float(negative_cosine_similarity(orthogonal, orthogonal[::-1])) == pytest.approx(0.0)
    np.testing.assert_allclose(
        float(negative_cosine_similarity(z, p)), float(negative_cosine_similarity(p, z)),
        rtol=1e-6,
    )


def gradients(p, z, stop_gradient):
    """d loss / d p and d loss / d z, on the active backend."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return jax.grad(
            lambda a, b: negative_cosine_similarity(a, b, stop_gradient), argnums=(0, 1)
        )(p, z)
    import tensorflow as tf

    p, z = tf.Variable(p), tf.Variable(z)
    with tf.GradientTape() as tape:
        loss = negative_cosine_similarity(p, z, stop_gradient)
    return tape.gradient(loss, [p, z])


@pytest.mark.skipif(keras.backend.backend() == "torch", reason="tf and jax tapes")
def test_no_gradient_flows_into_z_unless_asked():
    rng = np.random.default_rng(1)
    p, z = rng.normal(size=(2, 4, 3)).astype("float32")
    grad_p, grad_z = gradients(p, z, stop_gradient=True)
    assert np.abs(np.asarray(grad_p)).max() > 1e-3
    assert grad_z is None or np.all(np.asarray(grad_z) == 0)
    _, grad_z = gradients(p, z, stop_gradient=False)  # the collapsing ablation
    assert np.abs(np.asarray(grad_z)).max() > 1e-3


def test_float32_from_bfloat16_shape_check_and_registration():
    ones = keras.ops.ones((2, 4), "bfloat16")
    out = negative_cosine_similarity(ones, ones)
    assert keras.backend.standardize_dtype(out.dtype) == "float32"
    with pytest.raises(ValueError, match="same shape"):
        negative_cosine_similarity(np.ones((2, 4)), np.ones((2, 3)))
    registered = keras.saving.get_registered_object("keras_ssl>negative_cosine_similarity")
    assert registered is keras_ssl.losses.negative_cosine_similarity


@pytest.mark.skipif(keras.backend.backend() == "torch", reason="tf and jax tapes")
def test_a_zero_prediction_counts_zero_and_gets_no_gradient():
    # E.g. a predictor whose hidden ReLUs are all off for one example.
    p = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]], "float32")
    z = np.ones((2, 3), "float32")
    assert float(negative_cosine_similarity(p, z)) == pytest.approx(-0.5 * 6 / np.sqrt(42))
    grad_p, _ = gradients(p, z, stop_gradient=True)
    grad_p = np.asarray(grad_p)
    assert np.all(grad_p[0] == 0) and np.all(np.isfinite(grad_p))
    assert np.abs(grad_p[1]).max() > 1e-3
