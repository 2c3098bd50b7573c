import keras
import numpy as np
import pytest
from keras import ops

import keras_ssl
from test_case import random_images
from test_case import run_serialization_test
from test_case import tiny_conv_net


@keras.saving.register_keras_serializable(package="keras_ssl_tests")
class PullToOne(keras_ssl.SSLModel):
    inputs_class = keras_ssl.inputs.ImageInputs

    """Toy method: pull features to 1; record the weights after each step."""

    def __init__(self, encoder, **kwargs):
        super().__init__(encoder=encoder, **kwargs)
        kernel = self.encoder.trainable_weights[0]
        self.steps_seen = self.add_weight(shape=(), initializer="zeros", trainable=False, name="steps_seen")
        self.kernel_after_step = self.add_weight(
            shape=kernel.shape, initializer="zeros", trainable=False, name="kernel_after_step"
        )

    def compute_ssl_loss(self, images, training):
        features = self.encoder(images, training=training)
        return ops.mean(ops.square(features - 1.0))

    def after_train_step(self):
        self.steps_seen.assign(self.steps_seen + 1.0)
        self.kernel_after_step.assign(self.encoder.trainable_weights[0])


def test_after_train_step_sees_the_optimizer_update(jit_compile):
    model = PullToOne(tiny_conv_net(), seed=0)
    model.compile(optimizer=keras.optimizers.SGD(0.1), jit_compile=jit_compile)
    kernel = model.encoder.trainable_weights[0]
    before = ops.convert_to_numpy(kernel.value).copy()
    model.fit(random_images(24), batch_size=8, epochs=1, verbose=0)
    after = ops.convert_to_numpy(kernel.value)
    assert float(model.steps_seen.value) == 3
    assert not np.allclose(before, after)
    np.testing.assert_array_equal(ops.convert_to_numpy(model.kernel_after_step.value), after)


def test_test_step_does_not_update_weights_or_run_the_hook():
    model = PullToOne(tiny_conv_net(), seed=0)
    model.compile()
    before = [ops.convert_to_numpy(w.value).copy() for w in model.weights if "seed" not in w.path]
    logs = model.evaluate(random_images(16), batch_size=8, verbose=0, return_dict=True)
    after = [ops.convert_to_numpy(w.value) for w in model.weights if "seed" not in w.path]
    assert logs["loss"] > 0
    for b, a in zip(before, after):
        np.testing.assert_array_equal(b, a)
    assert float(model.steps_seen.value) == 0


def test_loss_is_what_the_method_returns():
    model = PullToOne(tiny_conv_net(), seed=0)
    model.compile()
    images = random_images(8)
    logs = model.evaluate(images, batch_size=8, verbose=0, return_dict=True)
    expected = np.mean((ops.convert_to_numpy(model.encoder(images)) - 1.0) ** 2)
    np.testing.assert_allclose(logs["loss"], expected, rtol=1e-5)


def test_call_and_predict_give_encoder_features():
    model = PullToOne(tiny_conv_net(), seed=0)
    images = random_images(5, dtype="uint8")
    expected = ops.convert_to_numpy(model.encoder(images.astype("float32")))
    np.testing.assert_allclose(ops.convert_to_numpy(model(images)), expected, atol=1e-6)
    np.testing.assert_allclose(model.predict(images, verbose=0), expected, atol=1e-5)


def test_a_method_without_a_loss_fails_clearly():
    class NoLoss(keras_ssl.SSLModel):
        inputs_class = keras_ssl.inputs.ImageInputs

    model = NoLoss(tiny_conv_net())
    model.compile()
    with pytest.raises(NotImplementedError, match="compute_ssl_loss"):
        model.fit(random_images(4), batch_size=4, verbose=0)


def test_a_method_must_say_what_data_it_reads():
    with pytest.raises(TypeError, match="inputs_class"):
        keras_ssl.SSLModel(tiny_conv_net())


def test_config_round_trip_keeps_seed():
    model = PullToOne(tiny_conv_net(), seed=7)
    assert run_serialization_test(model).seed == 7
