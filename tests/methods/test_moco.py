import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.methods.memory_queue import MemoryQueue
from keras_ssl.schedules import cosine_momentum
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
    return keras_ssl.MoCo(encoder=tiny_conv_net(), seed=0, **kwargs)


def numpy_ctr(q, k, t, queue=None):
    """MoCo v3's ctr(q, k) (Algorithm 1), queue keys as extra columns."""
    q = q / np.linalg.norm(q, axis=1, keepdims=True)
    k = k / np.linalg.norm(k, axis=1, keepdims=True)
    if queue is not None:
        k = np.concatenate([k, queue / np.linalg.norm(queue, axis=1, keepdims=True)])
    logits = q @ k.T / t
    log_probs = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    return -np.mean(np.diag(log_probs[:, : len(q)])) * 2 * t


def test_fits_with_and_without_jit(jit_compile):
    model = make_model(queue_size=24, augmentation=fit_test_views(jit_compile))
    run_fit_test(model, random_images(16, dtype="uint8"), batch_size=8, jit_compile=jit_compile)
    assert int(model.ema_step.value) == 2
    assert int(model.queue.pointer.value) == 16 and int(model.queue.filled.value) == 16


def test_train_step_loss_is_moco_loss_of_the_models_outputs_and_enqueues_k1():
    model = make_model(queue_size=12, total_steps=2, augmentation=(identity_view, mirror_view))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0))
    images = random_images(8, dtype="uint8")
    batch = model.input_format.standardize(images)  # what the step sees
    views = keras.ops.concatenate([batch, mirror_view(batch)], axis=0)
    q = to_numpy(model.predictor(model.projector(model.encoder(views, training=True),
                                                 training=True), training=True))
    k = to_numpy(model.target_outputs(views, training=True))
    queue_before = weight_values([model.queue.values])[0]
    history = model.fit(images, batch_size=8, epochs=1, shuffle=False, verbose=0)
    expected = numpy_ctr(q[:8], k[8:], 0.2, queue_before) + numpy_ctr(
        q[8:], k[:8], 0.2, queue_before
    )
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-4)
    # FIFO: the first view's normalised keys fill rows 0..7, the rest untouched.
    queue = weight_values([model.queue.values])[0]
    k1 = k[:8] / np.linalg.norm(k[:8], axis=1, keepdims=True)
    np.testing.assert_allclose(queue[:8], k1, atol=1e-5)
    np.testing.assert_array_equal(queue[8:], queue_before[8:])
    assert int(model.queue.pointer.value) == 8
    model.fit(images, batch_size=8, epochs=1, shuffle=False, verbose=0)  # wraps
    assert int(model.queue.pointer.value) == 4 and int(model.queue.filled.value) == 12
    np.testing.assert_allclose(weight_values([model.queue.values])[0][[8, 9, 10, 11, 0, 1, 2, 3]],
                               k1, atol=1e-5)  # same weights (lr 0), same keys


def test_memory_queue_is_a_fifo_ring():
    queue = MemoryQueue(size=4, dim=1)
    queue.push(np.array([[1.0], [2.0], [3.0]]))
    queue.push(np.array([[4.0], [5.0]]))
    assert to_numpy(queue.values.value)[:, 0].tolist() == [5.0, 2.0, 3.0, 4.0]
    assert int(queue.pointer.value) == 1 and int(queue.filled.value) == 4
    queue.push(np.arange(6.0)[:, None] + 10)  # more than it holds: the newest 4
    # 10..15 go to rows 1, 2, 3, 0, 1, 2: the newest four stay.
    assert to_numpy(queue.values.value)[:, 0].tolist() == [13.0, 14.0, 15.0, 12.0]
    assert int(queue.pointer.value) == 3


def test_one_step_moves_the_target_and_the_target_has_no_gradients_or_slots():
    model = make_model(tau_base=0.9, queue_size=16)
    model.compile()
    target_before = weight_values(model.target_weights)
    for online, target in zip(weight_values(model.online_weights), target_before):
        np.testing.assert_array_equal(online, target)  # a copy at first
    model.fit(random_images(8, dtype="uint8"), batch_size=8, epochs=1, verbose=0)
    tau = float(cosine_momentum(0, 1, 0.9))
    for before, online, target in zip(
        target_before, weight_values(model.online_weights), weight_values(model.target_weights)
    ):
        np.testing.assert_allclose(target, tau * before + (1 - tau) * online, atol=1e-6)
    trainable = {id(v) for v in model.trainable_variables}
    frozen = model.target_weights + model.target_state + model.queue.weights
    assert not trainable & {id(v) for v in frozen}
    online = model.online_weights + model.predictor.trainable_variables
    assert trainable == {id(v) for v in online}
    # Adam keeps two slots per trainable variable, none for the target.
    slot_shapes = sorted(tuple(v.shape) for v in model.optimizer.variables if len(v.shape))
    expected = sorted(2 * [tuple(v.shape) for v in model.trainable_variables if len(v.shape)])
    assert slot_shapes == expected


def test_save_load_and_resume_continues_exactly(tmp_path):
    def after_load(model):
        assert int(model.queue.pointer.value) == 16

    resumed = run_resume_test(
        lambda: make_model(total_steps=4, queue_size=24), tmp_path / "moco.keras", after_load
    )
    assert int(resumed.queue.pointer.value) == 8 and int(resumed.ema_step.value) == 4


def test_backup_and_restore_continues_exactly(tmp_path):
    resumed = run_backup_and_restore_test(
        lambda: make_model(queue_size=24), tmp_path / "backup"
    )
    assert int(resumed.ema_step.value) == 4 and int(resumed.queue.pointer.value) == 8


def test_mixed_bfloat16_trains_without_nan():
    run_bfloat16_test(lambda: make_model(queue_size=32))


def test_defaults_are_moco_v3_scaled_down():
    model = keras_ssl.MoCo(keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)))
    assert model.projector.blocks == [
        (1024, True, "relu"), (1024, True, "relu"), (256, True, None)
    ]
    assert model.predictor.blocks == [(1024, True, "relu"), (256, False, None)]
    assert (model.temperature, model.tau_base, model.queue) == (0.2, 0.99, None)


def test_bad_arguments_are_refused():
    import tensorflow as tf

    for kwargs, match in (
        ({"temperature": -0.2}, "temperature"), ({"tau_base": 1.5}, "tau_base"),
        ({"queue_size": 0}, "queue_size"), ({"total_steps": 0}, "total_steps"),
    ):
        with pytest.raises(ValueError, match=match):
            make_model(**kwargs)
    model = make_model(queue_size=8)
    model.compile()
    batches = tf.data.Dataset.from_tensor_slices(random_images(32, dtype="uint8"))
    with pytest.raises(ValueError, match="queue_size=8 is smaller than one global batch"):
        model.fit(batches.batch(16, drop_remainder=True), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="queue_size=8 is smaller than one global batch"):  # arrays, every backend
        model.fit(random_images(32, dtype="uint8"), batch_size=16, epochs=1, verbose=0)


@pytest.mark.large
def test_pretraining_on_mnist_beats_a_random_encoder():
    run_pretraining_beats_random_test(
        lambda encoder: keras_ssl.MoCo(encoder, queue_size=512, seed=0)
    )
