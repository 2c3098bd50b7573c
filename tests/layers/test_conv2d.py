"""`keras_ssl.layers.Conv2D`: Keras's Conv2D, with a matrix-product filter
gradient for 3x3 convolutions on JAX."""

import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.backend.conv_filter_gradient import conv3x3_same


def numpy_conv3x3_same(x, kernel):
    """A literal 3x3 'same' convolution (cross-correlation, as Keras's)."""
    n, h, w, _ = x.shape
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    out = np.zeros((n, h, w, kernel.shape[-1]))
    for i in range(3):
        for j in range(3):
            out += padded[:, i:i + h, j:j + w, :] @ kernel[i, j]
    return out


def numpy_filter_gradient(x, output_gradient):
    """dL/dkernel[i, j, c, o] = sum over n, h, w of x_pad[n, h+i, w+j, c] * g[n, h, w, o]."""
    n, h, w, _ = x.shape
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    return np.stack([
        np.stack([
            np.einsum("nhwc,nhwo->co", padded[:, i:i + h, j:j + w, :], output_gradient)
            for j in range(3)
        ])
        for i in range(3)
    ])


@pytest.mark.parametrize("kwargs", [
    {"kernel_size": 3, "padding": "same"},
    {"kernel_size": 3, "padding": "same", "use_bias": True},
    {"kernel_size": 3, "padding": "valid"},
    {"kernel_size": 3, "padding": "same", "strides": 2},
    {"kernel_size": 1},
])
def test_outputs_and_weights_are_keras_conv2d(kwargs):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 9, 9, 5)).astype("float32")
    ours = keras_ssl.layers.Conv2D(6, **kwargs)
    theirs = keras.layers.Conv2D(6, **kwargs)
    ours.build(x.shape)
    theirs.build(x.shape)
    assert [w.shape for w in ours.weights] == [w.shape for w in theirs.weights]
    theirs.set_weights([rng.normal(size=w.shape) for w in theirs.weights])
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours(x)), keras.ops.convert_to_numpy(theirs(x)),
        rtol=1e-5, atol=1e-5,
    )
    restored = keras_ssl.layers.Conv2D.from_config(ours.get_config())
    assert restored.get_config() == ours.get_config()


def test_the_forward_pass_is_the_literal_convolution():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 7, 6, 4)).astype("float32")
    kernel = rng.normal(size=(3, 3, 4, 5)).astype("float32")
    expected = numpy_conv3x3_same(x.astype("float64"), kernel.astype("float64"))
    outputs = conv3x3_same(x, kernel)
    if outputs is None:  # TensorFlow and PyTorch keep Keras's convolution
        assert keras.backend.backend() != "jax"
        outputs = keras.ops.conv(x, kernel, padding="same")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(outputs), expected, atol=1e-4)


@pytest.mark.skipif(keras.backend.backend() != "jax", reason="the custom gradient is JAX's")
@pytest.mark.parametrize("shape", [(2, 5, 5, 1, 3), (4, 7, 6, 8, 16), (1, 3, 3, 2, 2)])
def test_the_gradients_equal_the_literal_formula_and_xla(shape):
    import jax

    n, h, w, cin, cout = shape
    rng = np.random.default_rng(2)
    x = rng.normal(size=(n, h, w, cin)).astype("float32")
    kernel = rng.normal(size=(3, 3, cin, cout)).astype("float32")
    g = rng.normal(size=(n, h, w, cout)).astype("float32")

    def loss(function):
        return lambda x, k: (function(x, k) * g).sum()

    def keras_conv(x, k):
        return keras.ops.conv(x, k, padding="same")

    ours = jax.grad(loss(conv3x3_same), argnums=(0, 1))(x, kernel)
    xla = jax.grad(loss(keras_conv), argnums=(0, 1))(x, kernel)
    np.testing.assert_allclose(
        np.asarray(ours[1]), numpy_filter_gradient(x.astype("float64"), g), rtol=1e-4, atol=1e-3
    )
    np.testing.assert_allclose(np.asarray(ours[1]), np.asarray(xla[1]), rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(np.asarray(ours[0]), np.asarray(xla[0]), rtol=1e-5, atol=1e-5)
    jitted = jax.jit(jax.grad(loss(conv3x3_same), argnums=1))(x, kernel)
    np.testing.assert_allclose(np.asarray(jitted), np.asarray(ours[1]), rtol=1e-5, atol=1e-4)


def test_the_conv_net_is_built_from_it():
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    convs = [layer for layer in encoder.layers if "conv" in layer.name and "bn" not in layer.name
             and "relu" not in layer.name]
    assert convs and all(isinstance(layer, keras_ssl.layers.Conv2D) for layer in convs)
    assert all(layer._matrix_product_gradient() for layer in convs)
