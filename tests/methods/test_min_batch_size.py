"""Methods whose loss compares examples refuse batches of one; a smaller
last batch of an epoch is skipped, not trained on and not crashing."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

import keras_ssl
from method_test_case import identity_view
from method_test_case import mirror_view
from test_case import random_images
from test_case import tiny_conv_net


class PullPairsTogether(keras_ssl.methods.SSLModel):
    """Deterministic toy loss that needs two examples (finite for one, as
    docs/adding_a_method.md asks)."""

    inputs_class = keras_ssl.inputs.ImageInputs
    min_batch_size = 2

    def compute_ssl_loss(self, images, training):
        features = self.encoder(images, training=training)
        pairs = ops.maximum(ops.cast(ops.shape(features)[0] - 1, "float32"), 1.0)
        return ops.sum(ops.square(features[1:] - features[:-1])) / pairs + 1.0


def simclr():
    return keras_ssl.SimCLR(tiny_conv_net(), projection_units=16, seed=0)


def test_batch_size_one_is_refused_with_the_fix():
    model = simclr()
    model.compile()
    with pytest.raises(ValueError, match=r"at least 2 examples per batch.*batch_size=1"):
        model.fit(random_images(8), batch_size=1, verbose=0)


def test_a_dataset_of_single_examples_is_refused():
    model = simclr()
    model.compile()
    dataset = tf.data.Dataset.from_tensor_slices(random_images(8)).batch(1)
    with pytest.raises(ValueError, match="first batch holds 1 example"):
        model.fit(dataset, verbose=0)


def test_a_tiny_array_is_refused_too():
    model = simclr()
    model.compile()
    with pytest.raises(ValueError, match="first batch holds 1 example"):
        model.fit(random_images(1), verbose=0)


def test_a_last_batch_of_one_does_not_crash_fit(jit_compile):
    # Cheap views: under XLA each batch shape compiles the view pipeline anew.
    model = keras_ssl.SimCLR(
        tiny_conv_net(), projection_units=16, augmentation=(identity_view, mirror_view),
        seed=0,
    )
    model.compile(jit_compile=jit_compile)
    history = model.fit(random_images(33), batch_size=16, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0]) and history.history["loss"][0] > 0


def test_the_last_batch_of_one_is_skipped_loss_and_gradient(jit_compile):
    images = random_images(33)
    results = []
    for count in (33, 32):
        keras.utils.set_random_seed(0)
        model = PullPairsTogether(tiny_conv_net(), seed=0)
        model.compile(optimizer=keras.optimizers.SGD(0.05), jit_compile=jit_compile)
        history = model.fit(
            images[:count], batch_size=16, shuffle=False, epochs=1, verbose=0
        )
        weights = [ops.convert_to_numpy(w) for w in model.trainable_weights]
        results.append((history.history["loss"][0], weights))
    (loss_33, weights_33), (loss_32, weights_32) = results
    assert loss_33 == pytest.approx(loss_32, rel=1e-6)
    for after_33, after_32 in zip(weights_33, weights_32):
        np.testing.assert_allclose(after_33, after_32, atol=1e-7)


def test_methods_that_need_pairs_say_so():
    assert keras_ssl.SimCLR.min_batch_size == 2
    assert keras_ssl.BYOL.min_batch_size == 2
    assert keras_ssl.RotationPrediction.min_batch_size == 1
