import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.backend import fused_batch_norm
from keras_ssl.layers import batch_normalization
from test_case import run_model_saving_test
from test_case import run_serialization_test

SHAPES = [(16, 5, 5, 3), (16, 7)]


def pair(shape, **kwargs):
    """Keras's layer and keras_ssl's, built alike with non-trivial weights."""
    layers = keras.layers.BatchNormalization(**kwargs), (
        keras_ssl.layers.BatchNormalization(**kwargs)
    )
    for layer in layers:
        layer.build(shape)
        channels = shape[-1]
        if layer.scale:
            layer.gamma.assign(np.linspace(0.5, 2.0, channels))
        if layer.center:
            layer.beta.assign(np.linspace(-1.0, 1.0, channels))
    return layers


def inputs(shape, seed=0):
    return np.random.default_rng(seed).normal(1.0, 3.0, shape).astype("float32")


def numpy_batch_norm(x, gamma, beta, epsilon):
    """Training-mode batch norm: biased batch moments over all but the last axis."""
    axes = tuple(range(x.ndim - 1))
    mean, variance = x.mean(axes), x.var(axes)
    return gamma * (x - mean) / np.sqrt(variance + epsilon) + beta, mean, variance


@pytest.mark.parametrize("shape", SHAPES)
def test_training_matches_the_reference_formula_and_keras(shape):
    reference, layer = pair(shape, momentum=0.9, epsilon=1e-3)
    x = inputs(shape)
    expected, mean, variance = numpy_batch_norm(
        x, np.linspace(0.5, 2.0, shape[-1]), np.linspace(-1.0, 1.0, shape[-1]), 1e-3
    )
    outputs = keras.ops.convert_to_numpy(layer(x, training=True))
    np.testing.assert_allclose(outputs, expected, atol=1e-5)
    np.testing.assert_allclose(
        outputs, keras.ops.convert_to_numpy(reference(x, training=True)), atol=1e-5
    )
    # Moving statistics: momentum * old (0 and 1) + (1 - momentum) * batch.
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer.moving_mean), 0.1 * mean, rtol=1e-5
    )
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer.moving_variance),
        0.9 + 0.1 * variance,
        rtol=1e-5,
    )
    # Inference uses the moving statistics, as Keras's layer does.
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer(x, training=False)),
        keras.ops.convert_to_numpy(reference(x, training=False)),
        atol=1e-5,
    )


def gradients(layer, x, weights):
    """d loss / d (inputs, gamma, beta) of one training call, for
    loss = sum(outputs ** 2 * weights), on the TensorFlow or torch backend."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        x = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(tf.square(layer(x, training=True)) * weights)
        found = tape.gradient(loss, [x, layer.gamma, layer.beta])
        return [keras.ops.convert_to_numpy(g) for g in found]
    import torch

    x = torch.tensor(x, requires_grad=True)
    loss = torch.sum(layer(x, training=True) ** 2 * torch.tensor(weights))
    loss.backward()
    found = [x.grad, layer.gamma.value.grad, layer.beta.value.grad]
    return [g.detach().numpy() for g in found]


@pytest.mark.skipif(
    keras.backend.backend() == "jax", reason="no fused kernel on JAX"
)
@pytest.mark.parametrize("shape", SHAPES)
def test_gradients_match_keras(shape):
    x, weights = inputs(shape), inputs(shape, seed=1)
    reference, layer = pair(shape, momentum=0.9)
    expected = gradients(reference, x, weights)
    for fused_gradient, keras_gradient in zip(gradients(layer, x, weights), expected):
        np.testing.assert_allclose(fused_gradient, keras_gradient, rtol=1e-4, atol=1e-4)


def test_the_fused_kernel_runs_only_where_it_exists(monkeypatch):
    calls = []
    fused = fused_batch_norm.fused_batch_norm_training

    def counting(*args):
        result = fused(*args)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(batch_normalization, "fused_batch_norm_training", counting)
    layer = keras_ssl.layers.BatchNormalization()
    layer(inputs((4, 3, 3, 2)), training=True)
    fused_backend = keras.backend.backend() in ("tensorflow", "torch")
    assert calls == [fused_backend]
    # Inference, other ranks and synchronized layers never try it.
    layer(inputs((4, 3, 3, 2)), training=False)
    keras_ssl.layers.BatchNormalization()(inputs((4, 3, 2)), training=True)
    if keras.backend.backend() == "tensorflow":  # synchronized: TF only
        keras_ssl.layers.BatchNormalization(synchronized=True)(
            inputs((4, 2)), training=True
        )
    assert calls == [fused_backend]


def test_without_center_and_scale():
    reference, layer = pair((8, 4), center=False, scale=False)
    x = inputs((8, 4))
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer(x, training=True)),
        keras.ops.convert_to_numpy(reference(x, training=True)),
        atol=1e-5,
    )


def test_mixed_bfloat16_keeps_keras_path_and_dtype():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        reference, layer = pair((8, 3, 3, 4))
        x = inputs((8, 3, 3, 4))
        outputs = layer(x, training=True)
        assert keras.backend.standardize_dtype(outputs.dtype) == "bfloat16"
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(keras.ops.cast(outputs, "float32")),
            keras.ops.convert_to_numpy(
                keras.ops.cast(reference(x, training=True), "float32")
            ),
            atol=0.05,
        )
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_serialization_and_saving(tmp_path):
    layer = keras_ssl.layers.BatchNormalization(momentum=0.9, epsilon=1e-5)
    revived = run_serialization_test(layer)
    assert revived.momentum == 0.9 and revived.epsilon == 1e-5
    model = keras.Sequential(
        [keras.Input((4, 4, 2)), keras_ssl.layers.BatchNormalization()]
    )
    model(inputs((8, 4, 4, 2)), training=True)  # move the moving statistics
    run_model_saving_test(model, inputs((3, 4, 4, 2)), tmp_path / "model.keras")


def test_encoders_and_heads_use_it():
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    norms = [
        layer for layer in encoder.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    assert len(norms) == 5
    assert all(isinstance(n, keras_ssl.layers.BatchNormalization) for n in norms)
