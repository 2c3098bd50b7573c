import warnings

import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.callbacks import CollapseWarning
from keras_ssl.losses import sinkhorn_knopp
from keras_ssl.losses import swav_loss
from method_test_case import run_resume_test
from test_case import random_images
from test_case import run_fit_test
from test_case import tiny_conv_net

to_numpy = keras.ops.convert_to_numpy
# TensorFlow traces the crops faster without XLA; JAX without jit runs eagerly.
NO_XLA_ON_TF = {"jit_compile": keras.backend.backend() == "jax"}


def light_crops():
    """Random crops only (2 global, 1 local): the multi-crop step, cheap to trace."""
    crop = keras_ssl.augment.RandomResizedCrop
    return (crop((0.4, 1.0)), crop((0.4, 1.0)), crop((0.05, 0.4), output_size=(12, 12)))


@keras.saving.register_keras_serializable(package="test_swav")
def identity(images):
    return images


@keras.saving.register_keras_serializable(package="test_swav")
def mirror(images):
    return keras.ops.flip(images, axis=2)


@keras.saving.register_keras_serializable(package="test_swav")
def shrink(images):
    return keras.ops.image.resize(images, (12, 12))


def make_model(encoder=None, **kwargs):
    keras.utils.set_random_seed(0)  # same initial weights at every call
    if "augmentation" not in kwargs and "local_crops" not in kwargs:
        kwargs["augmentation"] = light_crops()
    kwargs.setdefault("local_crops", None)
    kwargs.setdefault("num_prototypes", 32)
    kwargs.setdefault("projection_hidden_units", (16,))
    kwargs.setdefault("projection_units", 8)
    return keras_ssl.SwAV(encoder=encoder or tiny_conv_net(), seed=0, **kwargs)


def cheap_crops():
    """Deterministic crops (2 global, 1 local): fast to trace, under XLA too."""
    return (identity, mirror, shrink)


def kernel(model):
    return to_numpy(model.prototypes.kernel.value).copy()


def test_default_views_are_two_global_and_four_local_crops():
    default = keras_ssl.SwAV(tiny_conv_net())
    assert default.local_crops == 4 and default.num_prototypes == 100
    assert [v.crop_size for v in default.view_augmentations] == [(28, 28)] * 2 + [(12, 12)] * 4


def test_fits_with_and_without_jit_logs_the_collapse_signals_and_does_not_warn(jit_compile):
    model = make_model(augmentation=light_crops() if jit_compile is False else cheap_crops())
    with warnings.catch_warnings():
        warnings.simplefilter("error", CollapseWarning)  # a healthy run
        history = run_fit_test(model, random_images(16, dtype="uint8"), epochs=2,
                               batch_size=8, jit_compile=jit_compile)
    assert max(history.history["codes_entropy"]) < 0.9 * np.log(32)
    assert min(history.history["prototype_usage"]) > 1.5 / 32  # at most 16 / 32
    assert int(model.epochs_started.value) == 2


def test_loss_frozen_prototypes_and_the_queue_start_and_fill():
    model = make_model(augmentation=(identity, identity, shrink), freeze_prototypes_epochs=1,
                       queue_size=8, queue_start_epoch=1)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), **NO_XLA_ON_TF)
    images = random_images(8, dtype="uint8")
    batch = model.input_format.standardize(images)
    z = [keras.ops.normalize(model.projector(model.encoder(v, training=True), training=True), axis=-1)
         for v in (batch, batch, shrink(batch))]
    scores = [to_numpy(keras.ops.matmul(v, model.prototypes.kernel.value)) for v in z]
    expected = np.mean(to_numpy(swav_loss(scores, [sinkhorn_knopp(s) for s in scores[:2]])))
    before = kernel(model)
    np.testing.assert_allclose(np.linalg.norm(before, axis=0), 1.0, atol=1e-6)
    history = model.fit(images, batch_size=8, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-4)
    np.testing.assert_allclose(kernel(model), before, atol=1e-6)  # frozen in epoch 0
    assert int(model.queue.filled.value) == 0  # epoch 0: before queue_start_epoch
    model.fit(images, batch_size=8, epochs=1, shuffle=False, verbose=0)  # epoch 1
    after = kernel(model)
    assert np.abs(after - before).max() > 1e-3
    np.testing.assert_allclose(np.linalg.norm(after, axis=0), 1.0, atol=1e-5)  # renormalised
    assert [v.name for v in model.prototypes.weights] == ["kernel"]  # no bias
    assert int(model.queue.filled.value) == 8 and int(model.epochs_started.value) == 2
    # The queue's scores join Sinkhorn once it is full, and not before.
    new_scores = keras.ops.convert_to_tensor(scores[0])
    queued = keras.ops.matmul(model.queue.values.value[:, :8], model.prototypes.kernel.value)
    epoch = model.current_epoch()
    np.testing.assert_allclose(to_numpy(model._codes(new_scores, 0, epoch)),
                               to_numpy(sinkhorn_knopp(new_scores, queue_scores=queued)), atol=1e-6)
    model.queue.filled.assign(7)
    np.testing.assert_allclose(to_numpy(model._codes(new_scores, 0, epoch)),
                               to_numpy(sinkhorn_knopp(new_scores)), atol=1e-6)


def test_save_load_and_resume_continues_exactly_with_queue_and_frozen_prototypes(tmp_path):
    def after_load(model):  # one epoch done: the prototypes unfreeze next
        assert int(model.epochs_started.value) == 1 and int(model.queue.filled.value) == 8

    resumed = run_resume_test(
        lambda: make_model(
            augmentation=cheap_crops(), queue_size=8, queue_start_epoch=0,
            freeze_prototypes_epochs=1,
        ),
        tmp_path / "swav.keras", after_load=after_load, compile_kwargs=NO_XLA_ON_TF,
    )
    assert int(resumed.epochs_started.value) == 2


def collapse_warnings(epsilon, epochs=2):
    """CollapseWarnings and logs of a short fit (the healthy case is the fit
    test's, which turns the warning into an error)."""
    model = make_model(augmentation=cheap_crops(), epsilon=epsilon)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), **NO_XLA_ON_TF)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(random_images(32, dtype="uint8"), batch_size=16, epochs=epochs,
                            verbose=0)
    return [w for w in caught if issubclass(w.category, CollapseWarning)], history.history


def test_a_far_too_large_epsilon_is_flagged_within_two_epochs():
    flagged, logs = collapse_warnings(epsilon=5.0)
    assert len(flagged) == 1, logs
    message = str(flagged[0].message)
    for fix in ("smaller epsilon", "freeze_prototypes_epochs", "queue", "fewer prototypes"):
        assert fix in message
    assert min(logs["codes_entropy"]) > 0.98 * np.log(32)


def test_bad_configurations_are_refused():
    for kwargs, match in (
        ({"temperature": 0.0}, "temperature"), ({"epsilon": -1.0}, "epsilon"),
        ({"sinkhorn_iterations": 0}, "sinkhorn_iterations"),
        ({"freeze_prototypes_epochs": -1}, "freeze_prototypes_epochs"),
        ({"queue_start_epoch": 0.5}, "queue_start_epoch"), ({"queue_size": 0}, "queue_size"),
        ({"num_prototypes": 0}, "num_prototypes"),
        ({"augmentation": identity}, "one layer/callable per crop"),
    ):
        with pytest.raises(ValueError, match=match):
            make_model(**kwargs)
    model = make_model(queue_size=4)
    model.compile(jit_compile=False)
    with pytest.raises(ValueError, match="queue_size=4 is smaller than one global batch"):
        model.fit(random_images(16, dtype="uint8"), batch_size=8, verbose=0)


@pytest.mark.large  # DINO's test covers the ViT's local crops in CI; same encoder path
def test_a_vit_encoder_takes_the_local_crops_at_their_own_size():
    vit = keras_ssl.encoders.ViT(
        input_shape=(28, 28, 1), patch_size=4, hidden_dim=16, num_layers=1, num_heads=2
    )
    model = make_model(encoder=vit, augmentation=cheap_crops())  # local crop: 3x3 patches
    run_fit_test(model, random_images(16, dtype="uint8"), batch_size=8, **NO_XLA_ON_TF)
    assert int(model.epochs_started.value) == 1
