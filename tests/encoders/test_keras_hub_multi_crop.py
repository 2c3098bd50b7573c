"""keras-hub ViTs take multi-crop's local crops: the backbone is rebuilt at the
crop's size with the same weights, its position embeddings interpolated."""

import math
import warnings

import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.encoders.backbone_resizing import ViTEmbeddingAtSize
from keras_ssl.encoders.backbone_resizing import resize_backbone
from keras_ssl.encoders.position_interpolation import interpolate_position_embeddings
from test_case import random_images

keras_hub = pytest.importorskip("keras_hub")

to_numpy = keras.ops.convert_to_numpy
# TensorFlow traces the crops faster without XLA; JAX without jit runs eagerly.
JIT = {"jit_compile": keras.backend.backend() == "jax"}


def tiny_vit():
    keras.utils.set_random_seed(0)
    return keras_hub.models.ViTBackbone(
        image_shape=(16, 16, 1), patch_size=4, num_layers=1, num_heads=2,
        hidden_dim=16, mlp_dim=16,
    )


def embedding_layer(backbone):
    return backbone.get_layer("vit_patching_and_embedding")


def position_table(backbone):
    return embedding_layer(backbone).position_embedding.embeddings


@keras.saving.register_keras_serializable(package="test_keras_hub_multi_crop")
def identity(images):
    return images


@keras.saving.register_keras_serializable(package="test_keras_hub_multi_crop")
def mirror(images):
    return keras.ops.flip(images, axis=2)


@keras.saving.register_keras_serializable(package="test_keras_hub_multi_crop")
def shrink(images):
    return keras.ops.image.resize(images, (8, 8))


def crops(local=True, layer=False):
    """Deterministic crops, cheap to trace: 2 global 16x16, then (if
    `local`) one local 8x8, a 2x2 patch grid: a function (its size seen
    first inside the compiled step) or a layer (checked when the method is
    made)."""
    if not local:
        return (identity, mirror)
    return (identity, mirror, keras.layers.Resizing(8, 8) if layer else shrink)


def bilinear_reference(table, source, target):
    """Half-pixel-centre bilinear resize of the patch rows, written out:
    output cell i samples source row (i + 0.5) * in / out - 0.5, clamped to
    the grid, from its two neighbours with weights (1 - t, t)."""

    def taps(size_in, size_out):
        result = []
        for index in range(size_out):
            where = min(max((index + 0.5) * size_in / size_out - 0.5, 0.0), size_in - 1.0)
            low = int(math.floor(where))
            result.append((low, min(low + 1, size_in - 1), where - low))
        return result

    grid = table[1:].reshape(source + (-1,))
    rows = []
    for r0, r1, tr in taps(source[0], target[0]):
        for c0, c1, tc in taps(source[1], target[1]):
            rows.append(
                (1 - tr) * ((1 - tc) * grid[r0, c0] + tc * grid[r0, c1])
                + tr * ((1 - tc) * grid[r1, c0] + tc * grid[r1, c1])
            )
    return np.concatenate([table[:1], np.stack(rows)], axis=0)


def test_position_embeddings_interpolate_as_the_literal_bilinear_reference():
    table = np.random.default_rng(0).normal(size=(1 + 4 * 4, 16)).astype("float32")
    same = interpolate_position_embeddings(table, (4, 4), (4, 4))
    np.testing.assert_array_equal(to_numpy(same), table)  # exactly the original
    for target in [(2, 2), (3, 3), (6, 5)]:
        resized = to_numpy(interpolate_position_embeddings(table, (4, 4), target))
        np.testing.assert_allclose(resized, bilinear_reference(table, (4, 4), target),
                                   atol=1e-5)
        np.testing.assert_array_equal(resized[0], table[0])  # class token kept
    with pytest.raises(ValueError, match="num_prefix_tokens"):
        interpolate_position_embeddings(table, (3, 3), (2, 2))


def test_the_rebuilt_embedding_adds_the_interpolated_table():
    backbone = tiny_vit()
    source = embedding_layer(backbone)
    images = random_images(2, shape=(16, 16, 1)) / 255.0
    np.testing.assert_array_equal(  # the original size: the original output
        to_numpy(ViTEmbeddingAtSize(source, (16, 16))(images)), to_numpy(source(images))
    )
    small = images[:, :8, :8]
    tokens = to_numpy(ViTEmbeddingAtSize(source, (8, 8))(small))
    patches = to_numpy(source.patch_embedding(small)).reshape(2, 4, 16)
    cls = to_numpy(source.class_token).reshape(1, 1, 16).repeat(2, axis=0)
    table = bilinear_reference(to_numpy(position_table(backbone)), (4, 4), (2, 2))
    expected = np.concatenate([cls, patches], axis=1) + table[None]
    np.testing.assert_allclose(tokens, expected, atol=1e-5)
    small_backbone = resize_backbone(backbone, (8, 8, 1))
    assert small_backbone.weights and all(  # the same variables, no copies
        any(w is v for v in backbone.weights) for w in small_backbone.weights
    )
    assert tuple(small_backbone(small).shape) == (2, 5, 16)


def test_local_crop_gradients_reach_the_shared_weights():
    """Trained on 8x8 images only (jitted on JAX: the stateless step), every
    weight of the 16x16 backbone moves: every row of its position table (the
    class token's too), the patch kernel, the transformer's weights (but the
    attention's key bias, whose gradient is always 0: softmax ignores a
    shift shared by all keys)."""
    backbone = tiny_vit()
    encoder = keras_ssl.encoders.from_keras_hub(backbone)
    inputs = keras.Input((8, 8, 1))
    model = keras.Model(inputs, keras.layers.Dense(1)(encoder(inputs)))
    assert len(model.trainable_variables) == len(encoder.trainable_variables) + 2
    before = [to_numpy(v).copy() for v in backbone.trainable_variables]
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse", **JIT)
    model.fit(random_images(4, (8, 8, 1)), np.ones((4, 1)), epochs=1, verbose=0)
    for variable, old in zip(backbone.trainable_variables, before):
        if not variable.path.endswith("key/bias"):
            assert not np.allclose(to_numpy(variable), old), variable.path
        if variable is position_table(backbone):
            assert np.all(np.abs(to_numpy(variable) - old).sum(axis=1) > 0)


@pytest.mark.parametrize("method", ["dino", "swav"])
def test_dino_and_swav_train_a_keras_hub_vit_on_local_crops(method, tmp_path):
    def make(augmentation):  # DINO: a function local crop; SwAV: a layer.
        keras.utils.set_random_seed(0)
        encoder = keras_ssl.encoders.from_keras_hub(tiny_vit())
        if method == "dino":
            return keras_ssl.DINO(encoder, augmentation=augmentation, local_crops=None,
                                  hidden_units=(16,), bottleneck_units=8,
                                  output_units=16, seed=0)
        return keras_ssl.SwAV(encoder, augmentation=augmentation, local_crops=None,
                              num_prototypes=16, projection_hidden_units=(16,),
                              projection_units=8, seed=0)

    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # rebuilt, not resized
        model = make(crops(layer=method == "swav"))
    global_only = make(crops(local=False))
    assert len(model.trainable_variables) == len(global_only.trainable_variables)
    assert len(model.weights) == len(global_only.weights)
    backbone = model.encoder.backbone
    table = to_numpy(position_table(backbone)).copy()
    model.compile(**JIT)
    history = model.fit(random_images(8, (16, 16, 1), "uint8"), batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"][0]) and history.history["loss"][0] > 0
    assert not np.allclose(to_numpy(position_table(backbone)), table)
    path = str(tmp_path / f"{method}.keras")
    model.save(path)
    restored = keras.saving.load_model(path).encoder
    for shape in [(16, 16, 1), (8, 8, 1)]:
        images = random_images(3, shape)
        np.testing.assert_array_equal(to_numpy(restored(images)),
                                      to_numpy(model.encoder(images)))


def test_sizes_a_backbone_cannot_take_are_resized_with_a_warning():
    encoder = keras_ssl.encoders.from_keras_hub(tiny_vit())
    images = random_images(2, (10, 10, 1))  # patch 4 does not divide 10
    with pytest.warns(UserWarning, match="resizes images of 10x10 to 16x16"):
        features = to_numpy(encoder(images))
    resized = keras.ops.image.resize(images, (16, 16), interpolation="bilinear")
    np.testing.assert_allclose(features, to_numpy(encoder(resized)), atol=1e-5)
