import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.losses.reconstruction import reconstruction_loss
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
    return keras_ssl.ConvAutoencoder(encoder=tiny_conv_net(), seed=0, **kwargs)


@pytest.mark.parametrize("form", INPUT_FORMS)
def test_fits_on_every_input_form(form):
    # The backend's default compilation: input handling does not depend on it.
    run_input_forms_test(make_model(noise_stddev=0.1), form, "auto")


def test_fits_with_and_without_jit(jit_compile):
    run_input_forms_test(make_model(noise_stddev=0.1), "numpy_uint8", jit_compile)


def test_encoder_and_reconstruction_shapes():
    model = make_model()
    images = random_images(3)
    assert tuple(model(images).shape) == (3, 16)
    assert tuple(model.encoder(images).shape) == (3, 16)
    reconstruction = keras.ops.convert_to_numpy(model.reconstruct(images))
    assert reconstruction.shape == (3, 28, 28, 1)
    assert reconstruction.min() >= 0 and reconstruction.max() <= 255
    assert reconstruction.max() > 1  # pixels 0-255, like the input


def test_decoder_mirrors_convnet_and_handles_odd_sizes():
    model = keras_ssl.ConvAutoencoder(
        encoder=keras_ssl.encoders.ConvNet(input_shape=(30, 30, 3))
    )
    assert model.decoder.stage_filters == ((128,), (64, 64), (32, 32))
    assert model.decoder.output_shape == (None, 30, 30, 3)


def test_losses_match_numpy():
    rng = np.random.default_rng(0)
    images = rng.random((2, 4, 4, 1)).astype("float32")  # targets in [0, 1]
    logits = rng.normal(size=(2, 4, 4, 1)).astype("float32")
    probs = 1 / (1 + np.exp(-logits))
    mse = np.mean((probs - images) ** 2)
    bce = np.mean(-(images * np.log(probs) + (1 - images) * np.log(1 - probs)))
    np.testing.assert_allclose(float(reconstruction_loss(images, logits, "mse")), mse, rtol=1e-5)
    np.testing.assert_allclose(float(reconstruction_loss(images, logits, "bce")), bce, rtol=1e-5)
    with pytest.raises(ValueError, match="'l1'"):
        reconstruction_loss(images, logits, "l1")


def test_loss_of_a_training_step_is_the_reconstruction_loss():
    model = make_model(reconstruction_loss="bce")
    model.compile()
    images = random_images(8)
    logs = model.evaluate(images, batch_size=8, verbose=0, return_dict=True)
    logits = model.decoder(model.encoder(images))
    # Pixels 0-255 in, targets in [0, 1] for the decoder's sigmoid.
    targets = images / 255.0
    expected = float(keras.ops.convert_to_numpy(reconstruction_loss(targets, logits, "bce")))
    np.testing.assert_allclose(logs["loss"], expected, rtol=1e-5)


def test_bad_arguments():
    with pytest.raises(ValueError, match="reconstruction_loss"):
        make_model(reconstruction_loss="l1")
    with pytest.raises(ValueError, match="noise_stddev"):
        make_model(noise_stddev=-1)
    with pytest.raises(ValueError, match="no loss"):
        make_model().compile(loss="mse")


def test_save_load_round_trip_and_training_continues(tmp_path):
    model = make_model(reconstruction_loss="bce", noise_stddev=0.2)
    images = random_images(16, dtype="uint8")
    run_fit_test(model, images, batch_size=8)
    run_serialization_test(model)
    restored = run_model_saving_test(model, images, str(tmp_path / "ae.keras"))
    assert restored.reconstruction_loss == "bce" and restored.noise_stddev == 0.2
    assert int(restored.optimizer.iterations) == 2
    restored.fit(images, batch_size=8, epochs=1, verbose=0)
    assert int(restored.optimizer.iterations) == 4


@pytest.mark.large  # ~100 s on 2 CPU cores: --run-large
def test_pretraining_on_mnist_beats_a_random_encoder():
    x_train, _ = mnist5k_subset("train", size=2000)
    probe_train = mnist5k_subset("train", size=2000)
    test = mnist5k_subset("test", size=1000)
    encoder = keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    random_accuracy = logistic_probe_accuracy(encoder, probe_train, test)
    model = keras_ssl.ConvAutoencoder(encoder, reconstruction_loss="bce", seed=0)
    history = run_fit_test(model, x_train, epochs=3, batch_size=64)
    losses = history.history["loss"]
    assert losses[-1] < 0.8 * losses[0], losses
    trained_accuracy = logistic_probe_accuracy(model.encoder, probe_train, test)
    print(f"autoencoder probe: trained {trained_accuracy:.3f}, random {random_accuracy:.3f}")
    assert trained_accuracy > random_accuracy + 0.01
