import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.losses import dino_loss
from keras_ssl.schedules import cosine_momentum
from method_test_case import run_backup_and_restore_test
from method_test_case import run_bfloat16_test
from method_test_case import run_resume_test
from method_test_case import weight_values
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


def make_model(encoder=None, **kwargs):
    keras.utils.set_random_seed(0)  # same initial weights at every call
    if "augmentation" not in kwargs and "local_crops" not in kwargs:
        kwargs["augmentation"] = light_crops()
    kwargs.setdefault("local_crops", None)
    kwargs.setdefault("hidden_units", (16,))
    kwargs.setdefault("bottleneck_units", 8)
    kwargs.setdefault("output_units", 32)
    return keras_ssl.DINO(encoder=encoder or tiny_conv_net(), seed=0, **kwargs)


def identity(images):
    return images


def shrink(images):
    return keras.ops.image.resize(images, (12, 12))


def test_multi_crop_views_have_the_global_and_local_sizes():
    model = make_model(local_crops=2, local_size=10)
    views = model.make_views(keras.ops.convert_to_tensor(random_images(4)))
    assert [tuple(v.shape) for v in views] == [(4, 28, 28, 1)] * 2 + [(4, 10, 10, 1)] * 2
    assert not np.allclose(to_numpy(views[2]), to_numpy(views[3]))  # own crops
    student = model.encode_views(views, heads=(model.head,))
    assert [tuple(s.shape) for s in student] == [(4, 32)] * 4
    default = keras_ssl.DINO(tiny_conv_net())
    assert default.local_crops == 6
    assert [v.crop_size for v in default.view_augmentations] == [(28, 28)] * 2 + [(12, 12)] * 6


def test_fits_with_and_without_jit(jit_compile):
    model = make_model()
    run_fit_test(model, random_images(16, dtype="uint8"), batch_size=8, jit_compile=jit_compile)
    assert int(model.ema_step.value) == 2
    assert np.any(to_numpy(model.center.value) != 0)


@pytest.mark.large
def test_the_default_multi_crop_views_fit_under_jit():
    model = make_model(local_crops=2)  # tracing 4 full view pipelines is slow
    run_fit_test(model, random_images(16, dtype="uint8"), batch_size=8, jit_compile=True)


def test_train_step_loss_center_and_teacher_temperature():
    model = make_model(total_steps=10, augmentation=(identity, identity, shrink), local_crops=None,
                       teacher_temperature_warmup=0.5, center_momentum=0.8)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), jit_compile=False)
    images = random_images(8, dtype="uint8")
    batch = model.input_format.standardize(images)
    student = [to_numpy(model.head(model.encoder(v, training=True), training=True))
               for v in (batch, batch, shrink(batch))]
    teacher = to_numpy(model.target_outputs(keras.ops.concatenate([batch, batch]), training=True))
    assert float(model.current_teacher_temperature()) == pytest.approx(0.04)
    history = model.fit(images, batch_size=8, epochs=1, shuffle=False, verbose=0)
    expected = np.mean(to_numpy(dino_loss(student, [teacher[:8], teacher[8:]],
                                          np.zeros(32, "float32"), 0.1, 0.04)))
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-4)
    np.testing.assert_allclose(to_numpy(model.center.value), 0.2 * teacher.mean(0), atol=1e-6)
    # Linear warm-up over 5 of the 10 planned steps, then constant.
    assert float(model.current_teacher_temperature()) == pytest.approx(0.04 + 0.03 / 5)
    model.ema_step.assign(7)
    assert float(model.current_teacher_temperature()) == pytest.approx(0.07)


def test_one_step_moves_the_teacher_and_the_teacher_has_no_gradients_or_slots():
    model = make_model(tau_base=0.9)
    model.compile(jit_compile=False)
    before = weight_values(model.target_weights)
    model.fit(random_images(8, dtype="uint8"), batch_size=8, epochs=1, verbose=0)
    tau = float(cosine_momentum(0, 1, 0.9))
    for old, online, target in zip(before, weight_values(model.online_weights), weight_values(model.target_weights)):
        np.testing.assert_allclose(target, tau * old + (1 - tau) * online, atol=1e-6)
    trainable = {id(v) for v in model.trainable_variables}
    assert trainable == {id(v) for v in model.encoder.trainable_variables + model.head.trainable_variables}
    frozen = model.target_weights + model.target_state + [model.center]
    assert not trainable & {id(v) for v in frozen}
    slot_shapes = sorted(tuple(v.shape) for v in model.optimizer.variables if len(v.shape))
    assert slot_shapes == sorted(2 * [tuple(v.shape) for v in model.trainable_variables if len(v.shape)])
    teacher = model.teacher_encoder()
    for a, b in zip(weight_values(teacher.trainable_variables), weight_values(model.target_copies[0][0])):
        np.testing.assert_array_equal(a, b)


def test_save_load_and_resume_continues_exactly(tmp_path):
    resumed = run_resume_test(
        lambda: make_model(total_steps=4), tmp_path / "dino.keras",
        compile_kwargs=NO_XLA_ON_TF,
    )
    assert int(resumed.ema_step.value) == 4


def test_backup_and_restore_continues_exactly(tmp_path):
    resumed = run_backup_and_restore_test(
        make_model, tmp_path / "backup", compile_kwargs=NO_XLA_ON_TF
    )
    assert int(resumed.ema_step.value) == 4  # the center is compared as a weight


def test_mixed_bfloat16_trains_without_nan():
    run_bfloat16_test(make_model, compile_kwargs=NO_XLA_ON_TF)


def test_bad_configurations_are_refused():
    for kwargs, match in (
        ({"local_size": 30, "local_crops": 1}, "must not be larger than the global"),
        ({"student_temperature": 0.0}, "student_temperature"),
        ({"teacher_temperature": -0.1}, "teacher_temperature"),
        ({"center_momentum": 2.0}, "center_momentum"),
        ({"teacher_temperature_warmup": -0.5}, "teacher_temperature_warmup"),
        ({"tau_base": 1.5}, "tau_base"), ({"local_crops": -1}, "local_crops"),
        ({"augmentation": (identity, identity), "local_crops": 2}, "local_crops=2"),
        ({"augmentation": identity}, "one layer/callable per crop"),
    ):
        with pytest.raises(ValueError, match=match):
            make_model(**kwargs)
    big_local = keras_ssl.augment.RandomResizedCrop(output_size=(24, 24))
    small_global = keras_ssl.augment.RandomResizedCrop(output_size=(16, 16))
    with pytest.raises(ValueError, match="larger than the global"):
        make_model(augmentation=(small_global, small_global, big_local), local_crops=None)
    fixed = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(4)])
    with pytest.raises(ValueError, match="does not take local crops of shape"):
        make_model(encoder=fixed)


def test_a_vit_student_takes_the_local_crops_at_their_own_size():
    vit = keras_ssl.encoders.ViT(
        input_shape=(28, 28, 1), patch_size=4, hidden_dim=16, num_layers=1, num_heads=2
    )
    model = make_model(encoder=vit)  # 2 global 28x28 crops, 1 local 12x12
    views = model.make_views(keras.ops.convert_to_tensor(random_images(4)))
    assert [tuple(v.shape) for v in views] == [(4, 28, 28, 1)] * 2 + [(4, 12, 12, 1)]
    # Position embeddings interpolated to the local crop's 3x3 patch grid.
    assert tuple(model.encoder(views[2]).shape) == (4, 16)
    # Jitted on JAX (eager JAX is slow); TensorFlow traces faster without XLA.
    jit = keras.backend.backend() == "jax"
    run_fit_test(model, random_images(16, dtype="uint8"), batch_size=8, jit_compile=jit)
    assert int(model.ema_step.value) == 2
