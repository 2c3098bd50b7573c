import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.layers import TransformerBlock
from keras_ssl.methods import patchify
from keras_ssl.methods import random_patch_masking
from keras_ssl.methods import unpatchify
from test_case import random_images
from test_case import run_model_saving_test
from test_case import run_serialization_test

to_numpy = keras.ops.convert_to_numpy


def tiny_vit():
    return keras_ssl.encoders.ViT(
        input_shape=(16, 16, 1), patch_size=4, hidden_dim=16, num_layers=1, num_heads=2
    )


def make_model(**kwargs):
    keras.utils.set_random_seed(0)  # same initial weights at every call
    kwargs.setdefault("decoder_dim", 16)
    kwargs.setdefault("decoder_layers", 1)
    kwargs.setdefault("decoder_heads", 2)
    return keras_ssl.MAE(encoder=tiny_vit(), seed=0, **kwargs)


def values(variables):
    return [to_numpy(v.value).copy() for v in variables]


def masks(generator, steps=2, batch=6, patches=16, masked=12):
    return [to_numpy(random_patch_masking(batch, patches, masked, generator)[2])
            for _ in range(steps)]


def test_masking_hides_exactly_round_ratio_patches_fresh_per_image_and_step():
    keep, restore, mask = (to_numpy(t) for t in random_patch_masking(
        8, 49, 37, keras.random.SeedGenerator(3)))
    assert mask.shape == (8, 49) and np.all(mask.sum(axis=1) == 37)
    assert keep.shape == (8, 12)
    # keep lists exactly the visible patches; restore inverts the shuffle.
    for row_keep, row_mask in zip(keep, mask):
        assert sorted(row_keep) == sorted(np.flatnonzero(row_mask == 0))
    assert np.all(np.sort(restore, axis=1) == np.arange(49))
    assert len({tuple(row) for row in mask}) == 8  # different across images
    first, second = masks(keras.random.SeedGenerator(1))
    assert not np.array_equal(first, second)  # different across steps
    again = masks(keras.random.SeedGenerator(1))
    np.testing.assert_array_equal(first, again[0])  # reproducible from the seed
    np.testing.assert_array_equal(second, again[1])


def test_model_masks_round_mask_ratio_times_patches():
    for ratio, masked in [(0.75, 12), (0.5, 8), (0.1, 2)]:
        model = make_model(mask_ratio=ratio)
        assert model.num_masked == masked == round(ratio * 16)
        _, mask = model.mask_and_predict(random_images(4, (16, 16, 1)))
        assert np.all(to_numpy(mask).sum(axis=1) == masked)


def test_encoder_blocks_see_only_the_visible_patches(monkeypatch):
    model = make_model(mask_ratio=0.75)
    seen = []
    original = TransformerBlock.call

    def spy(self, tokens, training=False):
        seen.append((id(self), tuple(tokens.shape)))
        return original(self, tokens, training=training)

    monkeypatch.setattr(TransformerBlock, "call", spy)
    model.compute_ssl_loss(random_images(3, (16, 16, 1)), training=True)
    encoder_blocks = {id(block) for block in model.encoder.blocks}
    # round((1 - 0.75) * 16) = 4 visible patches + the class token.
    assert [shape for name, shape in seen if name in encoder_blocks] == [(3, 5, 16)]
    assert (3, 17, 16) in [shape for name, shape in seen if name not in encoder_blocks]


def test_loss_is_the_masked_patch_mse_of_the_reconstruction():
    model = make_model(normalize_targets=False)
    images = random_images(4, (16, 16, 1))
    state = to_numpy(model.seed_generator.state.value).copy()
    loss = float(model.compute_ssl_loss(images, training=False))
    model.seed_generator.state.assign(state)  # the same masks again
    predictions, mask = (to_numpy(t) for t in model.mask_and_predict(images))
    targets = to_numpy(patchify(images / 255.0, 4))
    per_patch = ((predictions - targets) ** 2).mean(axis=-1)
    np.testing.assert_allclose(loss, (per_patch * mask).sum() / mask.sum(), rtol=1e-5)
    np.testing.assert_allclose(to_numpy(unpatchify(targets, (4, 4), 4, 1)), images / 255.0)


def test_reconstruct_gives_images_and_their_masks():
    model = make_model()
    reconstruction, mask = (to_numpy(t) for t in model.reconstruct(random_images(2, (16, 16, 1))))
    assert reconstruction.shape == mask.shape == (2, 16, 16, 1)
    assert reconstruction.min() >= 0 and reconstruction.max() <= 255
    assert np.all(mask.reshape(2, -1).sum(axis=1) == 12 * 16)


class StopAfterFirstEpoch(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        raise RuntimeError("interrupted")


def test_resume_is_exact_after_save_load_and_through_backup_and_restore(tmp_path):
    images = random_images(16, (16, 16, 1), dtype="uint8")
    fit = dict(batch_size=8, shuffle=False, verbose=0)
    straight = make_model()
    straight.compile()
    history = straight.fit(images, epochs=2, **fit)
    assert np.all(np.isfinite(history.history["loss"])) and min(history.history["loss"]) > 0
    # fit 2 epochs == fit 1, save, load, fit 1.
    first = make_model()
    first.compile()
    first.fit(images, epochs=1, **fit)
    revived = run_serialization_test(first)
    assert revived.mask_ratio == 0.75 and revived.normalize_targets
    resumed = run_model_saving_test(first, images, str(tmp_path / "mae.keras"))
    resumed.fit(images, epochs=1, **fit)
    for a, b in zip(values(straight.weights), values(resumed.weights)):
        np.testing.assert_allclose(a, b, atol=1e-6)
    # The encoder is a plain ViT for probes and classifiers.
    assert type(resumed.encoder) is keras_ssl.encoders.ViT
    # ... and == an interrupted fit resumed by BackupAndRestore.
    backup = keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))
    interrupted = make_model()
    interrupted.compile()
    with pytest.raises(RuntimeError, match="interrupted"):
        interrupted.fit(images, epochs=2, callbacks=[backup, StopAfterFirstEpoch()], **fit)
    restored = make_model()
    restored.compile()
    restored.fit(images, epochs=2, callbacks=[backup], **fit)
    for a, b in zip(values(straight.weights), values(restored.weights)):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_mixed_bfloat16_trains_without_nan():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = make_model()
        model.compile()
        history = model.fit(random_images(16, (16, 16, 1)), batch_size=8, epochs=1, verbose=0)
        assert model.encoder.compute_dtype == "bfloat16"
        assert np.all(np.isfinite(history.history["loss"]))
        assert all(np.all(np.isfinite(w)) for w in values(model.weights))
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_bad_configurations_are_refused():
    for ratio in (0.0, 1.0, 1.5, -0.25):
        with pytest.raises(ValueError, match=r"mask_ratio must be in \(0, 1\)"):
            make_model(mask_ratio=ratio)
    with pytest.raises(ValueError, match="at least one masked and one visible"):
        make_model(mask_ratio=0.99)  # round(0.99 * 16) = 16: nothing visible
    with pytest.raises(TypeError, match="needs a ViT encoder"):
        keras_ssl.MAE(keras_ssl.encoders.ConvNet(input_shape=(16, 16, 1)))
    with pytest.raises(ValueError, match="no loss"):
        make_model().compile(loss="mse")
