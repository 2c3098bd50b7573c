import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_ssl
from test_case import random_images
from test_case import run_model_saving_test
from test_case import run_serialization_test

to_numpy = keras.ops.convert_to_numpy


def tiny_vit(**kwargs):
    kwargs.setdefault("hidden_dim", 16)
    kwargs.setdefault("num_layers", 2)
    kwargs.setdefault("num_heads", 2)
    return keras_ssl.encoders.ViT(input_shape=(28, 28, 1), patch_size=4, **kwargs)


def test_shapes_and_token_api():
    vit = tiny_vit()
    images = random_images(3)
    features = to_numpy(vit(images))
    assert features.shape == (3, 16)
    assert vit.num_patches == 49 and vit.grid_size == (7, 7)
    tokens = vit.patch_tokens(images)
    assert tuple(tokens.shape) == (3, 49, 16)
    # encoder(images) is pool(encode(patch_tokens)); a subset of tokens works.
    encoded = vit.encode_tokens(tokens)
    assert tuple(encoded.shape) == (3, 50, 16)
    np.testing.assert_allclose(to_numpy(vit.pool_tokens(encoded)), features, atol=1e-5)
    assert tuple(vit.encode_tokens(tokens[:, :12]).shape) == (3, 13, 16)
    mean_vit = tiny_vit(pooling="mean")
    mean_vit.set_weights(vit.get_weights())
    np.testing.assert_allclose(
        to_numpy(mean_vit(images)), to_numpy(encoded)[:, 1:].mean(axis=1), atol=1e-5
    )


def test_pixels_0_255_are_scaled_inside():
    vit = tiny_vit()
    images = random_images(2, dtype="uint8")
    assert isinstance(vit.layers[1], keras.layers.Rescaling)
    np.testing.assert_array_equal(
        to_numpy(vit(images)), to_numpy(vit(images.astype("float32")))
    )
    unscaled = keras_ssl.encoders.ViT.from_config(
        {**vit.get_config(), "include_rescaling": False}
    )
    unscaled.set_weights(vit.get_weights())
    np.testing.assert_allclose(
        to_numpy(unscaled(images / 255.0)), to_numpy(vit(images)), atol=1e-5
    )


def test_other_image_sizes_interpolate_the_position_embeddings():
    vit = tiny_vit()
    assert tuple(vit(random_images(2, (12, 12, 1))).shape) == (2, 16)
    assert tuple(vit(random_images(2, (32, 20, 1))).shape) == (2, 16)
    layer = vit.get_layer("position_embedding")
    # Bilinear interpolation reproduces a linear ramp exactly: resized from
    # a 7x7 to a 3x3 grid, cell i samples the source at (i + 0.5) * 7/3 - 0.5.
    rows, cols = np.meshgrid(np.arange(7.0), np.arange(7.0), indexing="ij")
    ramp = 2.0 * rows - 3.0 * cols + 1.0
    layer.embeddings.assign(np.repeat(ramp[..., None], 16, axis=-1).astype("float32"))
    source = (np.arange(3) + 0.5) * 7 / 3 - 0.5
    expected = 2.0 * source[:, None] - 3.0 * source[None, :] + 1.0
    resized = to_numpy(layer.embeddings_for(3, 3))
    np.testing.assert_allclose(resized[..., 0], expected, atol=1e-4)
    np.testing.assert_array_equal(to_numpy(layer.embeddings_for(7, 7)), layer.embeddings.numpy()
                                  if hasattr(layer.embeddings, "numpy") else to_numpy(layer.embeddings))
    # The 12x12 image's tokens carry the resized embeddings.
    images = random_images(1, (12, 12, 1))
    patches = to_numpy(vit.get_layer("patch_embedding")(images / 255.0))
    np.testing.assert_allclose(
        to_numpy(vit.patch_tokens(images)), (patches + resized).reshape(1, 9, 16), atol=1e-5
    )


def test_serialization_and_keras_round_trip(tmp_path):
    vit = tiny_vit(pooling="mean", dropout=0.1, mlp_dim=24)
    run_serialization_test(vit)
    restored = run_model_saving_test(vit, random_images(2), str(tmp_path / "vit.keras"))
    assert restored.mlp_dim == 24 and restored.pooling == "mean"
    np.testing.assert_allclose(
        to_numpy(restored(random_images(2, (12, 12, 1)))),
        to_numpy(vit(random_images(2, (12, 12, 1)))), atol=1e-6,
    )


def test_bad_configurations_are_refused():
    with pytest.raises(ValueError, match="not a multiple of patch_size 4"):
        keras_ssl.encoders.ViT(input_shape=(30, 30, 1), patch_size=4)
    with pytest.raises(ValueError, match="num_heads"):
        tiny_vit(hidden_dim=18, num_heads=4)
    with pytest.raises(ValueError, match="pooling"):
        tiny_vit(pooling="max")
    with pytest.raises(ValueError, match="num_layers"):
        tiny_vit(num_layers=0)
    with pytest.raises(ValueError, match="H and W known"):
        keras_ssl.encoders.ViT(input_shape=(None, None, 1))
    with pytest.raises(ValueError, match="height 13 is not a multiple"):
        tiny_vit()(random_images(1, (13, 16, 1)))


def test_is_the_encoder_of_an_existing_method_unchanged():
    vit = keras_ssl.encoders.ViT(
        input_shape=(16, 16, 1), hidden_dim=8, num_layers=1, num_heads=2
    )
    model = keras_ssl.SimCLR(encoder=vit, seed=0)
    model.compile()
    images = random_images(8, (16, 16, 1), dtype="uint8")
    history = model.fit(images, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0]) and history.history["loss"][0] > 0


def test_mixed_bfloat16_runs_without_nan():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        vit = tiny_vit()
        features = to_numpy(vit(random_images(4)))
        assert vit.compute_dtype == "bfloat16"
        assert np.all(np.isfinite(features.astype("float32")))
        assert np.all(np.isfinite(to_numpy(vit(random_images(2, (12, 12, 1)))).astype("float32")))
    finally:
        keras.mixed_precision.set_global_policy("float32")


OTHER_BACKEND = """
import sys
import numpy as np
import keras
import keras_ssl  # noqa: F401
model = keras.saving.load_model(sys.argv[1])
images = np.load(sys.argv[2])
np.save(sys.argv[3], keras.ops.convert_to_numpy(model(images, training=False)))
np.save(sys.argv[4], keras.ops.convert_to_numpy(model(images[:, :12, :12], training=False)))
"""


def test_tensorflow_and_jax_give_the_same_outputs(tmp_path):
    this = keras.backend.backend()
    other = {"tensorflow": "jax", "jax": "tensorflow"}.get(this)
    if other is None:
        pytest.skip(f"compares TensorFlow with JAX; backend is {this}")
    vit = tiny_vit(num_layers=1)
    images = random_images(3)
    path, inputs = str(tmp_path / "vit.keras"), str(tmp_path / "images.npy")
    vit.save(path)
    np.save(inputs, images)
    outputs = [str(tmp_path / "full.npy"), str(tmp_path / "crop.npy")]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    environment = dict(os.environ, KERAS_BACKEND=other, PYTHONPATH=root)
    subprocess.run(
        [sys.executable, "-c", OTHER_BACKEND, path, inputs] + outputs,
        env=environment, check=True, capture_output=True,
    )
    np.testing.assert_allclose(np.load(outputs[0]), to_numpy(vit(images)), atol=1e-5)
    np.testing.assert_allclose(
        np.load(outputs[1]), to_numpy(vit(images[:, :12, :12])), atol=1e-5
    )
