"""Encoders take 0-255 pixels (Keras's convention) and scale them inside."""

import json
import os
import warnings

import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.presets.registry import shipped_presets
from test_case import random_images

ENCODERS = {
    "conv_net": lambda: keras_ssl.encoders.ConvNet(stage_filters=((8,), (16,))),
    "resnet18": lambda: keras_ssl.encoders.ResNet18(
        input_shape=(16, 16, 3), stage_filters=(8, 16), blocks_per_stage=(1, 1)
    ),
}


@pytest.mark.parametrize("name", sorted(ENCODERS))
def test_uint8_and_float_pixels_give_identical_features(name):
    encoder = ENCODERS[name]()
    images = random_images(6, encoder.input_shape[1:], dtype="uint8")
    from_uint8 = keras.ops.convert_to_numpy(encoder(images, training=False))
    from_float = keras.ops.convert_to_numpy(
        encoder(images.astype("float32"), training=False)
    )
    np.testing.assert_array_equal(from_uint8, from_float)
    # The first layer is the 1/255 scaling; without it the caller scales.
    assert isinstance(encoder.layers[1], keras.layers.Rescaling)
    unscaled = type(encoder).from_config(
        {**encoder.get_config(), "include_rescaling": False}
    )
    unscaled.set_weights(encoder.get_weights())
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(unscaled(images / 255.0, training=False)),
        from_uint8, atol=1e-5,
    )


@pytest.mark.parametrize("name", sorted(ENCODERS))
def test_a_config_saved_before_0_2_gains_the_rescaling_with_a_warning(name):
    encoder = ENCODERS[name]()
    legacy = encoder.get_config()
    del legacy["include_rescaling"]  # what keras_ssl 0.1 wrote
    with pytest.warns(keras_ssl.PixelConventionWarning, match="0-255"):
        restored = type(encoder).from_config(legacy)
    assert restored.include_rescaling
    restored.set_weights(encoder.get_weights())
    images = random_images(2, encoder.input_shape[1:], dtype="uint8")
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(restored(images, training=False)),
        keras.ops.convert_to_numpy(encoder(images, training=False)),
        atol=1e-6,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        type(encoder).from_config(encoder.get_config())  # current: no warning


def test_shipped_presets_take_raw_pixels_and_keep_their_features():
    images, _ = keras_ssl.datasets.mnist5k("test")
    images = images[:32]
    with warnings.catch_warnings():
        warnings.simplefilter("error", keras_ssl.PixelConventionWarning)
        encoder = keras_ssl.load_encoder("simclr_convnet_mnist5k")
    features = encoder.predict(images, verbose=0)
    np.testing.assert_array_equal(
        features, encoder.predict(images.astype("float32"), verbose=0)
    )
    # The weights were trained on [0, 1] pixels: the same network without
    # the Rescaling layer, fed images / 255, gives the same features.
    before = keras_ssl.encoders.ConvNet(include_rescaling=False)
    before.set_weights(encoder.get_weights())
    np.testing.assert_allclose(
        before.predict(images / 255.0, verbose=0), features, atol=1e-5
    )


def test_every_shipped_image_preset_config_records_the_rescaling():
    for name, directory in shipped_presets().items():
        with open(os.path.join(directory, "config.json")) as file:
            encoder = json.load(file)["config"]["encoder"]
        if encoder["class_name"] in ("ConvNet", "ResNet18"):
            assert encoder["config"]["include_rescaling"] is True, name
