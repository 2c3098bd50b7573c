import keras
import numpy as np
import pytest

import keras_ssl
from method_test_case import fit_test_views
from method_test_case import identity_view
from method_test_case import mirror_view
from method_test_case import run_backup_and_restore_test
from method_test_case import run_bfloat16_test
from method_test_case import run_pretraining_beats_random_test
from method_test_case import run_resume_test
from method_test_case import weight_values
from test_case import random_images
from test_case import run_fit_test
from test_case import tiny_conv_net

to_numpy = keras.ops.convert_to_numpy


def make_model(**kwargs):
    keras.utils.set_random_seed(0)  # same initial weights at every call
    kwargs.setdefault("projection_hidden_units", (16,))
    kwargs.setdefault("projection_units", 8)
    kwargs.setdefault("prediction_hidden_units", (16,))
    kwargs.setdefault("support_set_size", 24)
    return keras_ssl.NNCLR(encoder=tiny_conv_net(), seed=0, **kwargs)


def normalize(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def numpy_step_loss(z1, z2, p1, p2, support, filled, t):
    """The paper's pseudo-code: NN1 = NN(z1, Q), NN2 = NN(z2, Q);
    loss = L(NN1, p2) / 2 + L(NN2, p1) / 2 (Q empty: NN(z) = z)."""
    def nn(z):
        if filled == 0:
            return z
        return support[:filled][(normalize(z) @ normalize(support[:filled]).T).argmax(1)]

    def L(nn_, p):
        logits = normalize(nn_) @ normalize(p).T / t
        log_probs = logits - np.log(np.exp(logits).sum(1, keepdims=True))
        return -np.mean(np.diag(log_probs))

    return L(nn(z1), p2) / 2 + L(nn(z2), p1) / 2


def test_fits_with_and_without_jit(jit_compile):
    model = make_model(augmentation=fit_test_views(jit_compile))
    run_fit_test(model, random_images(16, dtype="uint8"), batch_size=8, jit_compile=jit_compile)
    assert int(model.support_set.pointer.value) == 16
    assert int(model.support_set.filled.value) == 16


def test_step_loss_is_the_papers_and_z1_fills_the_support_set():
    model = make_model(augmentation=(identity_view, mirror_view), support_set_size=12)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0))
    images = random_images(8, dtype="uint8")
    batch = model.input_format.standardize(images)  # what the step sees
    fit = dict(batch_size=8, epochs=1, shuffle=False, verbose=0)
    for step in range(3):  # empty, then partly filled, then wrapped around
        support = weight_values([model.support_set.values])[0]
        filled = int(model.support_set.filled.value)
        z1, z2, p1, p2 = (to_numpy(x) for x in model.projections_and_predictions(
            batch, training=True))
        # The views are fixed and lr is 0: the same outputs inside the step.
        history = model.fit(images, **fit)
        expected = numpy_step_loss(z1, z2, p1, p2, support, filled, 0.1)
        np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-4)
        rows = [(8 * step + i) % 12 for i in range(8)]
        np.testing.assert_allclose(weight_values([model.support_set.values])[0][rows], z1, atol=1e-5)
    assert int(model.support_set.pointer.value) == 0
    assert int(model.support_set.filled.value) == 12
    # Nothing but the heads and encoder trains; the support set is no weight of Adam's.
    trainable = {id(v) for v in model.trainable_variables}
    assert not trainable & {id(v) for v in model.support_set.weights}


def test_save_load_and_resume_continues_exactly(tmp_path):
    def after_load(model):
        assert int(model.support_set.pointer.value) == 16

    resumed = run_resume_test(make_model, tmp_path / "nnclr.keras", after_load)
    assert int(resumed.support_set.pointer.value) == 8


def test_backup_and_restore_continues_exactly(tmp_path):
    resumed = run_backup_and_restore_test(make_model, tmp_path / "backup")
    assert int(resumed.support_set.pointer.value) == 8


def test_mixed_bfloat16_trains_without_nan():
    run_bfloat16_test(lambda: make_model(support_set_size=32))


def test_defaults_are_the_papers_scaled_down():
    model = keras_ssl.NNCLR(keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)))
    assert model.projector.blocks == [
        (1024, True, "relu"), (1024, True, "relu"), (256, True, None)
    ]
    assert model.predictor.blocks == [(1024, True, "relu"), (256, False, None)]
    assert (model.temperature, model.support_set_size) == (0.1, 1024)


def test_bad_arguments_are_refused():
    import tensorflow as tf

    with pytest.raises(ValueError, match="temperature"):
        make_model(temperature=-1.0)
    with pytest.raises(ValueError, match="support_set_size"):
        make_model(support_set_size=0)
    model = make_model(support_set_size=8)
    model.compile()
    batches = tf.data.Dataset.from_tensor_slices(random_images(32, dtype="uint8"))
    with pytest.raises(ValueError, match="support_set_size=8 is smaller than one global"):
        model.fit(batches.batch(16, drop_remainder=True), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="support_set_size=8 is smaller than one global"):  # arrays, every backend
        model.fit(random_images(32, dtype="uint8"), batch_size=16, epochs=1, verbose=0)


@pytest.mark.large
def test_pretraining_on_mnist_beats_a_random_encoder():
    model, _, _ = run_pretraining_beats_random_test(
        lambda encoder: keras_ssl.NNCLR(encoder, support_set_size=256, seed=0)
    )
    trainable = {id(v) for v in model.trainable_variables}
    assert not trainable & {id(v) for v in model.support_set.weights}
