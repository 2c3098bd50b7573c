"""keras-hub backbones as encoders: wrapped, saved by keras-hub's own preset
saver, loaded through keras_ssl, trained with DINO (all offline)."""

import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.evaluation.features import extract_features
from test_case import random_images

keras_hub = pytest.importorskip("keras_hub")


def tiny_resnet():
    keras.utils.set_random_seed(0)
    return keras_hub.models.ResNetBackbone(
        input_conv_filters=[64], input_conv_kernel_sizes=[3],
        stackwise_num_filters=[64],  # keras-hub requires 64 first
        stackwise_num_blocks=[1], stackwise_num_strides=[1],
        block_type="basic_block", image_shape=(None, None, 1),
    )


def test_pooled_features_of_raw_pixels_scaled_once():
    backbone = tiny_resnet()
    encoder = keras_ssl.encoders.from_keras_hub(backbone, input_shape=(16, 16, 1))
    images = random_images(4, shape=(16, 16, 1), dtype="uint8")
    maps = keras.ops.convert_to_numpy(backbone(images.astype("float32") / 255.0))
    np.testing.assert_allclose(extract_features(encoder, images), maps.mean(axis=(1, 2)),
                               rtol=1e-4, atol=1e-5)
    assert tuple(encoder(np.zeros((2, 8, 8, 1), "float32")).shape) == (2, 64)  # any size


def test_token_backbones_pool_the_class_token_or_the_mean():
    keras.utils.set_random_seed(0)
    vit = keras_hub.models.ViTBackbone(
        image_shape=(16, 16, 1), patch_size=4, num_layers=1, num_heads=2,
        hidden_dim=8, mlp_dim=16,
    )
    images = random_images(3, shape=(16, 16, 1))
    tokens = keras.ops.convert_to_numpy(vit(images / 255.0))
    cls = keras_ssl.encoders.from_keras_hub(vit)
    mean = keras_ssl.encoders.from_keras_hub(vit, pooling="avg")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(cls(images)), tokens[:, 0], atol=1e-5)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(mean(images)), tokens.mean(1), atol=1e-5)
    with pytest.raises(ValueError, match="pooling must be one of"):
        keras_ssl.encoders.from_keras_hub(vit, pooling="mean")
    with pytest.raises(ValueError, match="outputs feature maps"):
        keras_ssl.encoders.from_keras_hub(tiny_resnet(), pooling="cls")


def test_a_keras_hub_preset_loads_and_trains_one_epoch_of_dino(tmp_path):
    preset = str(tmp_path / "tiny_resnet")
    backbone = tiny_resnet()
    backbone.save_to_preset(preset)  # keras-hub's own saver
    encoder = keras_ssl.load_encoder(preset)
    assert isinstance(encoder, keras_ssl.encoders.KerasHubEncoder)
    for a, b in zip(backbone.weights, encoder.backbone.weights):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))
    crop = keras_ssl.augment.RandomResizedCrop
    crops = (crop(output_size=(16, 16)),) * 2 + (crop((0.05, 0.4), output_size=(8, 8)),)
    model = keras_ssl.DINO(
        encoder, augmentation=crops, hidden_units=(16,),
        bottleneck_units=8, output_units=16, seed=0,
    )
    model.compile(jit_compile=False)
    images = random_images(8, shape=(16, 16, 1), dtype="uint8")
    history = model.fit(images, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0]) and history.history["loss"][0] > 0
    before = keras.ops.convert_to_numpy(backbone.weights[0])
    assert not np.allclose(keras.ops.convert_to_numpy(encoder.backbone.weights[0]), before)
    path = str(tmp_path / "dino.keras")
    model.save(path)
    restored = keras.saving.load_model(path)
    np.testing.assert_allclose(extract_features(restored.encoder, images),
                               extract_features(model.encoder, images), atol=1e-5)
    with pytest.raises(ValueError, match="pooling= applies to keras-hub presets"):
        keras_ssl.load_encoder("simclr_convnet_mnist5k", pooling="avg")
