"""Shared checks of SSL methods: exact resume, bf16, real-data pretraining.

Each method's test file builds its model with a `make_model(**kwargs)` that
seeds Keras first (so every call gives the same initial weights) and calls
these with it.
"""

import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.losses import negative_cosine_similarity
from test_case import logistic_probe_accuracy
from test_case import mnist5k_subset
from test_case import random_images
from test_case import run_fit_test
from test_case import run_model_saving_test
from test_case import run_serialization_test


def weight_values(variables):
    """Copies of `variables`' values as numpy arrays."""
    return [keras.ops.convert_to_numpy(v.value).copy() for v in variables]


def identity_view(images):
    return images


def mirror_view(images):
    return keras.ops.flip(images, axis=2)


class StopAfterFirstEpoch(keras.callbacks.Callback):
    """Interrupts `fit` at the end of its first epoch."""

    def on_epoch_end(self, epoch, logs=None):
        raise RuntimeError("interrupted")


def assert_same_weights(expected, actual, atol):
    assert len(expected.weights) == len(actual.weights)
    for a, b in zip(weight_values(expected.weights), weight_values(actual.weights)):
        np.testing.assert_allclose(a, b, atol=atol)


def _fitted(make_model, images, epochs, compile_kwargs=None, **fit_kwargs):
    model = make_model()
    model.compile(**(compile_kwargs or {}))
    model.fit(images, epochs=epochs, batch_size=8, shuffle=False, verbose=0, **fit_kwargs)
    return model


def run_resume_test(make_model, path, after_load=None, atol=1e-6, compile_kwargs=None):
    """`fit` 2 epochs equals `fit` 1, config round trip, `.keras` save and
    load, `fit` 1 more, weight for weight (state, queues and seeds included).
    `after_load(model)` may check the reloaded model before its second
    epoch; `compile_kwargs` go to every `compile`. Returns the resumed model."""
    images = random_images(16, dtype="uint8")
    straight = _fitted(make_model, images, 2, compile_kwargs)
    first = _fitted(make_model, images, 1, compile_kwargs)
    run_serialization_test(first)
    resumed = run_model_saving_test(first, images, str(path))
    if after_load is not None:
        after_load(resumed)
    resumed.fit(images, epochs=1, batch_size=8, shuffle=False, verbose=0)
    assert_same_weights(straight, resumed, atol)
    return resumed


def run_backup_and_restore_test(make_model, backup_dir, atol=1e-6, compile_kwargs=None):
    """A `fit` interrupted after its first epoch and rerun with the same
    `BackupAndRestore` ends with the weights of an uninterrupted one.
    Returns the resumed model."""
    images = random_images(16, dtype="uint8")
    straight = _fitted(make_model, images, 2, compile_kwargs)
    backup = str(backup_dir)
    with pytest.raises(RuntimeError, match="interrupted"):
        _fitted(
            make_model, images, 2, compile_kwargs,
            callbacks=[keras.callbacks.BackupAndRestore(backup), StopAfterFirstEpoch()],
        )
    resumed = _fitted(
        make_model, images, 2, compile_kwargs,
        callbacks=[keras.callbacks.BackupAndRestore(backup)],
    )
    assert_same_weights(straight, resumed, atol)
    return resumed


def run_bfloat16_test(make_model, fit_test=run_fit_test, compile_kwargs=None):
    """Under `mixed_bfloat16` the encoder computes in bfloat16, two epochs
    give a finite non-zero loss (`fit_test`'s check), and every float weight (targets and queues
    included) stays float32 and finite.
    Returns the trained model."""
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = make_model()
        fit_test(
            model, random_images(32, dtype="uint8"), epochs=2, batch_size=16,
            **(compile_kwargs or {}),
        )
        assert model.encoder.compute_dtype == "bfloat16"
        for weights, variable in zip(weight_values(model.weights), model.weights):
            if "float" in str(variable.dtype):  # weights, EMA targets, queues
                assert weights.dtype == np.float32, variable.path
                assert np.all(np.isfinite(weights)), variable.path
        return model
    finally:
        keras.mixed_precision.set_global_policy("float32")


def run_pretraining_beats_random_test(make_method, epochs=4, margin=0.02):
    """`make_method(encoder)` pretrained for a few epochs on 1,024 mnist5k
    digits beats the same encoder at random init by `margin` under a
    logistic-regression probe (1,000 labelled train, 500 test digits), and
    its loss falls. Returns `(model, accuracy, random_accuracy)`."""
    x_train, _ = mnist5k_subset("train", size=1024)
    probe_train = mnist5k_subset("train", size=1000)
    test = mnist5k_subset("test", size=500)
    encoder = keras_ssl.encoders.ConvNet(
        input_shape=(28, 28, 1), stage_filters=((16,), (32,), (64,))
    )
    random_accuracy = logistic_probe_accuracy(encoder, probe_train, test)
    model = make_method(encoder)
    history = run_fit_test(model, x_train, epochs=epochs, batch_size=64)
    assert history.history["loss"][-1] < history.history["loss"][0]
    accuracy = logistic_probe_accuracy(model.encoder, probe_train, test)
    assert accuracy > random_accuracy + margin, (accuracy, random_accuracy)
    return model, accuracy, random_accuracy


class CollapsingSiamese(keras_ssl.methods.JointEmbeddingModel):
    """SimSiam without its stop-gradient, predictor and BatchNorm: a plain
    linear head pulling both views' outputs together, which the paper (Sec.
    4.1) shows collapses. (With SimSiam's BatchNorm heads the collapse is
    slower than a short test.)"""

    inputs_class = keras_ssl.inputs.ImageInputs
    view_recipe = "simclr"

    def __init__(self, encoder, **kwargs):
        super().__init__(encoder, **kwargs)
        self.projector = keras.layers.Dense(16)
        self.projector.build((None, self.feature_dim))

    def compute_ssl_loss(self, images, training):
        z1, z2 = self.encode_views(
            self.make_views(images), heads=(self.projector,), training=training
        )
        return negative_cosine_similarity(z1, z2, stop_gradient=False)


def fit_test_views(jit_compile):
    """The views of a method's `jit_compile` on/off fit test: under XLA,
    cheap deterministic views (identity, mirror), since compiling the
    default view pipelines dominates such a test and is checked once, by
    SimCLR's (its "simclr" and "byol" recipes are the ones the other methods
    use); without XLA, the method's default views."""
    return (identity_view, mirror_view) if jit_compile is True else None
