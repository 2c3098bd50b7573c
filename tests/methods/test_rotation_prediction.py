import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.augment.rotations import rotate_90
from keras_ssl.augment.rotations import rotation_batch
from test_case import INPUT_FORMS
from test_case import logistic_probe_accuracy
from test_case import mnist5k_subset
from test_case import random_images
from test_case import run_fit_test
from test_case import run_input_forms_test
from test_case import run_model_saving_test
from test_case import run_serialization_test
from test_case import tiny_conv_net


def make_model(**kwargs):
    return keras_ssl.RotationPrediction(encoder=tiny_conv_net(), seed=0, **kwargs)


@pytest.mark.parametrize("form", INPUT_FORMS)
def test_fits_on_every_input_form(form):
    # The backend's default compilation: input handling does not depend on it.
    history = run_input_forms_test(make_model(), form, "auto")
    accuracy = history.history["rotation_accuracy"][0]
    assert 0.0 <= accuracy <= 1.0


def test_fits_with_and_without_jit(jit_compile):
    history = run_input_forms_test(make_model(), "numpy_uint8", jit_compile)
    assert 0.0 <= history.history["rotation_accuracy"][0] <= 1.0


def test_rotations_match_numpy():
    images = np.arange(2 * 3 * 3 * 2, dtype="float32").reshape(2, 3, 3, 2)
    for k in range(4):
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(rotate_90(images, k)),
            np.rot90(images, k, axes=(1, 2)),
        )
    rotated, labels = rotation_batch(images)
    assert keras.ops.convert_to_numpy(labels).tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(rotated)[2:4], np.rot90(images, 1, axes=(1, 2))
    )


def test_non_square_images_are_refused():
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 32, 1))
    with pytest.raises(ValueError, match="square"):
        keras_ssl.RotationPrediction(encoder=encoder)


def test_loss_is_cross_entropy_of_the_head_over_four_rotations():
    model = make_model(head_hidden_units=(8,))
    model.compile()
    images = random_images(4)
    logs = model.evaluate(images, batch_size=4, verbose=0, return_dict=True)
    rotated = np.concatenate([np.rot90(images, k, axes=(1, 2)) for k in range(4)])
    logits = keras.ops.convert_to_numpy(model.head(model.encoder(rotated))).astype("float64")
    labels = np.repeat(np.arange(4), 4)
    log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    expected = -log_probs[np.arange(16), labels].mean()
    np.testing.assert_allclose(logs["loss"], expected, rtol=1e-4)
    accuracy = (logits.argmax(-1) == labels).mean()
    np.testing.assert_allclose(logs["rotation_accuracy"], accuracy)


def test_save_load_round_trip_and_training_continues(tmp_path):
    model = make_model(head_hidden_units=(8,))
    images = random_images(16, dtype="uint8")
    run_fit_test(model, images, batch_size=8)
    run_serialization_test(model)
    restored = run_model_saving_test(model, images, str(tmp_path / "rot.keras"))
    assert restored.head_hidden_units == (8,)
    restored.fit(images, batch_size=8, epochs=1, verbose=0)
    assert int(restored.optimizer.iterations) == 4


@pytest.mark.large  # ~100 s on 2 CPU cores: --run-large
def test_pretraining_on_mnist_beats_a_random_encoder():
    x_train, _ = mnist5k_subset("train", size=2000)
    probe_train = mnist5k_subset("train", size=2000)
    test = mnist5k_subset("test", size=1000)
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    random_accuracy = logistic_probe_accuracy(encoder, probe_train, test)
    model = keras_ssl.RotationPrediction(encoder, head_hidden_units=(512, 512), seed=0)
    history = run_fit_test(model, x_train, epochs=3, batch_size=64)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["rotation_accuracy"][-1] > 0.9
    trained_accuracy = logistic_probe_accuracy(model.encoder, probe_train, test)
    print(f"rotation probe: trained {trained_accuracy:.3f}, random {random_accuracy:.3f}")
    assert trained_accuracy > random_accuracy + 0.01
