"""A keras-hub backbone with its own image converter, under the 0-255 pixel
convention: keras_ssl feeds it raw pixels and the converter scales them
once (no double scaling by keras_ssl)."""

import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.evaluation.features import extract_features
from test_case import random_images

keras_hub = pytest.importorskip("keras_hub")

SCALE = 1.0 / 255.0
MEAN, STD = 0.5, 0.25
IMAGES = random_images(12, shape=(16, 16, 3), dtype="uint8")
LABELS = np.arange(12) % 3


def hub_encoder():
    """converter (x / 255, then (x - 0.5) / 0.25) -> tiny ResNet -> pooling,
    and the backbone, so the test can run the converter's maths by hand."""
    keras.utils.set_random_seed(0)
    converter = keras_hub.layers.ImageConverter(
        scale=SCALE / STD, offset=-MEAN / STD, name="image_converter"
    )
    backbone = keras_hub.models.ResNetBackbone(
        input_conv_filters=[64],
        input_conv_kernel_sizes=[3],
        stackwise_num_filters=[64],  # keras-hub requires 64 first
        stackwise_num_blocks=[1],
        stackwise_num_strides=[1],
        block_type="basic_block",
        image_shape=(16, 16, 3),
    )
    inputs = keras.Input(shape=(16, 16, 3), name="images")
    features = keras.layers.GlobalAveragePooling2D(name="pool")(
        backbone(converter(inputs))
    )
    return keras.Model(inputs, features, name="hub_encoder"), backbone


def by_hand(backbone, images):
    """The backbone on pixels scaled once, with numpy."""
    scaled = (np.asarray(images, "float32") / 255.0 - MEAN) / STD
    maps = keras.ops.convert_to_numpy(backbone(scaled, training=False))
    return maps.mean(axis=(1, 2))


def test_features_are_the_converter_applied_once():
    encoder, backbone = hub_encoder()
    expected = by_hand(backbone, IMAGES)
    for images in (IMAGES, IMAGES.astype("float32")):
        np.testing.assert_allclose(
            extract_features(encoder, images), expected, rtol=1e-4, atol=1e-5
        )
    # Scaled twice (pixels / 255 fed to the converter) would differ.
    twice = by_hand(backbone, IMAGES / 255.0)
    assert not np.allclose(twice, expected, atol=1e-3)


def test_image_classifier_and_linear_probe_feed_raw_pixels():
    encoder, backbone = hub_encoder()
    expected = by_hand(backbone, IMAGES)
    model = keras_ssl.ImageClassifier(encoder=encoder, num_classes=3, mode="probe")
    model.compile()
    model.fit(IMAGES, LABELS, epochs=1, batch_size=4, verbose=0)
    # The standardization saw the once-scaled features of the train images.
    layer = model.get_layer("feature_standardization")
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer.mean), expected.mean(axis=0), rtol=1e-4, atol=1e-5
    )
    # predict = softmax(head(standardized by-hand features)).
    head = model.get_layer("predictions")
    standardized = (expected - keras.ops.convert_to_numpy(layer.mean)) / keras.ops.convert_to_numpy(layer.std)
    logits = standardized @ keras.ops.convert_to_numpy(head.kernel) + keras.ops.convert_to_numpy(head.bias)
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(
        model.predict(IMAGES, verbose=0), probabilities, rtol=1e-4, atol=1e-5
    )
    result = keras_ssl.evaluation.linear_probe(
        encoder, (IMAGES, LABELS), (IMAGES, LABELS), epochs=2, top_k=2
    )
    assert 0.0 <= result["accuracy"] <= 1.0
