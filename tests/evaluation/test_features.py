import keras
import numpy as np
import pytest

from keras_ssl.evaluation import extract_features
from keras_ssl.evaluation import labeled_features
from test_case import random_images
from test_case import tiny_conv_net


def test_uint8_float_and_rank3_images_give_the_same_features():
    encoder = tiny_conv_net()
    images = random_images(40, dtype="uint8")
    # Pixels 0-255 whatever the dtype: the encoder scales them itself.
    expected = keras.ops.convert_to_numpy(encoder(images.astype("float32")))
    from_uint8 = extract_features(encoder, images, batch_size=16)
    for x in (images.astype("float32"), images[..., 0], {"image": images}):
        features = extract_features(encoder, x, batch_size=16)
        assert features.dtype == np.float32 and features.shape == (40, 16)
        np.testing.assert_array_equal(features, from_uint8)
    np.testing.assert_allclose(from_uint8, expected, atol=1e-5)


def test_floats_scaled_to_unit_range_are_refused_not_misread():
    images = random_images(8, dtype="uint8")
    with pytest.raises(ValueError, match=r"look scaled\s+to \[0, 1\].*x \* 255"):
        extract_features(tiny_conv_net(), images.astype("float32") / 255.0)


def test_inference_mode_leaves_batchnorm_statistics_alone():
    encoder = tiny_conv_net()
    before = [keras.ops.convert_to_numpy(w) for w in encoder.weights]
    extract_features(encoder, random_images(32, dtype="uint8"))
    for old, new in zip(before, encoder.weights):
        np.testing.assert_array_equal(old, keras.ops.convert_to_numpy(new))


def test_labeled_forms_agree_and_tf_data_is_read_once_in_order():
    import tensorflow as tf

    encoder = tiny_conv_net()
    images = random_images(30, dtype="uint8")
    labels = np.arange(30)
    expected = extract_features(encoder, images)
    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).batch(8)
    forms = [
        (images, labels),
        {"image": images, "label": labels},
        dataset,
        tf.data.Dataset.from_tensor_slices({"image": images, "label": labels}).batch(7),
    ]
    for data in forms:
        features, got_labels = labeled_features(encoder, data, batch_size=16)
        np.testing.assert_array_equal(got_labels, labels)
        np.testing.assert_allclose(features, expected, atol=1e-5)
    with pytest.raises(ValueError, match="Batch it"):
        labeled_features(encoder, dataset.unbatch())
    with pytest.raises(ValueError, match="'label'"):
        labeled_features(encoder, {"image": images})


def test_encoder_none_uses_flattened_inputs():
    images = random_images(3, dtype="uint8")
    np.testing.assert_allclose(
        extract_features(None, images), images.reshape(3, -1) / 255.0, rtol=1e-6
    )


def test_text_goes_to_the_encoder_as_strings():
    import keras_ssl

    texts = ["the cat sat", "a dog ran far", "the cat ran", "a dog sat"] * 3
    model = keras_ssl.MaskedLM.from_texts(
        texts, vocabulary_size=30, sequence_length=8, num_layers=1, num_heads=2,
        hidden_dim=8, intermediate_dim=16, seed=0,
    ) if hasattr(keras_ssl, "MaskedLM") else pytest.skip("MaskedLM not available")
    features = extract_features(model.encoder, np.array(texts), batch_size=5)
    np.testing.assert_allclose(features, model.encoder.predict(texts, verbose=0), atol=1e-5)
    labels = np.array(["cat" in text for text in texts])
    train_features, train_labels = labeled_features(model.encoder, (texts, labels))
    assert train_features.shape == (12, 8)
    np.testing.assert_array_equal(train_labels, labels)
