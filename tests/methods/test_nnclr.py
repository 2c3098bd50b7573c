import keras
import numpy as np
import pytest

import keras_ssl
from test_case import logistic_probe_accuracy
from test_case import mnist5k_subset
from test_case import random_images
from test_case import run_fit_test
from test_case import run_model_saving_test
from test_case import run_serialization_test
from test_case import tiny_conv_net

to_numpy = keras.ops.convert_to_numpy


def identity(images):
    return images


def mirror(images):
    return keras.ops.flip(images, axis=2)


def make_model(**kwargs):
    keras.utils.set_random_seed(0)  # same initial weights at every call
    kwargs.setdefault("projection_hidden_units", (16,))
    kwargs.setdefault("projection_units", 8)
    kwargs.setdefault("prediction_hidden_units", (16,))
    kwargs.setdefault("support_set_size", 24)
    return keras_ssl.NNCLR(encoder=tiny_conv_net(), seed=0, **kwargs)


def values(variables):
    return [to_numpy(v.value).copy() for v in variables]


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


class StopAfterFirstEpoch(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        raise RuntimeError("interrupted")


def test_fits_with_and_without_jit(jit_compile):
    model = make_model()
    run_fit_test(model, random_images(16, dtype="uint8"), batch_size=8, jit_compile=jit_compile)
    assert int(model.support_set.pointer.value) == 16
    assert int(model.support_set.filled.value) == 16


def test_step_loss_is_the_papers_and_z1_fills_the_support_set():
    model = make_model(augmentation=(identity, mirror), support_set_size=12)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0))
    images = random_images(8, dtype="uint8")
    batch = model.input_format.standardize(images)  # what the step sees
    fit = dict(batch_size=8, epochs=1, shuffle=False, verbose=0)
    for step in range(3):  # empty, then partly filled, then wrapped around
        support = values([model.support_set.values])[0]
        filled = int(model.support_set.filled.value)
        z1, z2, p1, p2 = (to_numpy(x) for x in model.projections_and_predictions(
            batch, training=True))
        # The views are fixed and lr is 0: the same outputs inside the step.
        history = model.fit(images, **fit)
        expected = numpy_step_loss(z1, z2, p1, p2, support, filled, 0.1)
        np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-4)
        rows = [(8 * step + i) % 12 for i in range(8)]
        np.testing.assert_allclose(values([model.support_set.values])[0][rows], z1, atol=1e-5)
    assert int(model.support_set.pointer.value) == 0
    assert int(model.support_set.filled.value) == 12
    # Nothing but the heads and encoder trains; the support set is no weight of Adam's.
    trainable = {id(v) for v in model.trainable_variables}
    assert not trainable & {id(v) for v in model.support_set.weights}


def test_save_load_and_resume_continues_exactly(tmp_path):
    images = random_images(16, dtype="uint8")
    fit = dict(batch_size=8, shuffle=False, verbose=0)
    straight = make_model()
    straight.compile()
    straight.fit(images, epochs=2, **fit)
    first = make_model()
    first.compile()
    first.fit(images, epochs=1, **fit)
    run_serialization_test(first)
    resumed = run_model_saving_test(first, images, str(tmp_path / "nnclr.keras"))
    assert int(resumed.support_set.pointer.value) == 16
    resumed.fit(images, epochs=1, **fit)
    assert int(resumed.support_set.pointer.value) == 8
    for a, b in zip(values(straight.weights), values(resumed.weights)):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_backup_and_restore_continues_exactly(tmp_path):
    images = random_images(16, dtype="uint8")
    fit = dict(batch_size=8, shuffle=False, verbose=0, epochs=2)
    straight = make_model()
    straight.compile()
    straight.fit(images, **fit)
    backup = str(tmp_path / "backup")
    interrupted = make_model()
    interrupted.compile()
    with pytest.raises(RuntimeError, match="interrupted"):
        interrupted.fit(
            images,
            callbacks=[keras.callbacks.BackupAndRestore(backup), StopAfterFirstEpoch()],
            **fit,
        )
    resumed = make_model()
    resumed.compile()
    resumed.fit(images, callbacks=[keras.callbacks.BackupAndRestore(backup)], **fit)
    assert int(resumed.support_set.pointer.value) == 8
    for a, b in zip(values(straight.weights), values(resumed.weights)):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_mixed_bfloat16_trains_without_nan():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = make_model(support_set_size=32)
        run_fit_test(model, random_images(32, dtype="uint8"), epochs=2, batch_size=16)
        assert model.encoder.compute_dtype == "bfloat16"
        support = values([model.support_set.values])[0]
        assert support.dtype == np.float32 and np.all(np.isfinite(support))
    finally:
        keras.mixed_precision.set_global_policy("float32")


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
    x_train, _ = mnist5k_subset("train", size=1024)
    probe_train = mnist5k_subset("train", size=1000)
    test = mnist5k_subset("test", size=500)
    encoder = keras_ssl.encoders.ConvNet(
        input_shape=(28, 28, 1), stage_filters=((16,), (32,), (64,))
    )
    random_accuracy = logistic_probe_accuracy(encoder, probe_train, test)
    model = keras_ssl.NNCLR(encoder, support_set_size=256, seed=0)
    history = run_fit_test(model, x_train, epochs=4, batch_size=64)
    assert history.history["loss"][-1] < history.history["loss"][0]
    accuracy = logistic_probe_accuracy(model.encoder, probe_train, test)
    assert accuracy > random_accuracy + 0.02, (accuracy, random_accuracy)
