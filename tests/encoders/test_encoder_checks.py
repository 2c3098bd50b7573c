import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.encoders.encoder_checks import image_encoder_shape


def test_user_keras_applications_model_is_accepted():
    encoder = keras.applications.MobileNetV2(
        include_top=False, pooling="avg", weights=None, input_shape=(32, 32, 3),
        alpha=0.35,
    )
    model = keras_ssl.RotationPrediction(encoder=encoder, seed=0)
    assert model.image_shape == (32, 32, 3)
    assert model.feature_dim == encoder.output_shape[-1]
    out = model(np.zeros((2, 32, 32, 3), "uint8"))
    assert tuple(out.shape) == (2, encoder.output_shape[-1])


def test_user_functional_model_is_accepted():
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(4, 3)(inputs)
    outputs = keras.layers.GlobalAveragePooling2D()(x)
    encoder = keras.Model(inputs, outputs)
    assert image_encoder_shape(encoder) == ((28, 28, 1), 4)


def test_encoder_without_pooling_is_refused():
    inputs = keras.Input((28, 28, 1))
    encoder = keras.Model(inputs, keras.layers.Conv2D(4, 3)(inputs))
    with pytest.raises(ValueError, match="pooling"):
        keras_ssl.ConvAutoencoder(encoder=encoder)


def test_non_model_and_unbuilt_encoders_are_refused():
    with pytest.raises(TypeError, match="keras.Model"):
        keras_ssl.ConvAutoencoder(encoder="conv_net")
    with pytest.raises(ValueError, match="input shape"):
        keras_ssl.ConvAutoencoder(encoder=keras.Sequential([keras.layers.Dense(3)]))
