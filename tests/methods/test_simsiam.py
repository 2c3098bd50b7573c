import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.evaluation import embedding_std
from keras_ssl.losses import negative_cosine_similarity
from test_case import mnist5k_subset
from test_case import random_images
from test_case import run_model_saving_test
from test_case import run_serialization_test
from test_case import tiny_conv_net

to_numpy = keras.ops.convert_to_numpy


def identity(images):
    return images


def mirror(images):
    return keras.ops.flip(images, axis=2)


def make_model(encoder=None, **kwargs):
    keras.utils.set_random_seed(0)  # same initial weights at every call
    kwargs.setdefault("projection_hidden_units", (16, 16))
    kwargs.setdefault("projection_units", 16)
    return keras_ssl.SimSiam(encoder=encoder or tiny_conv_net(), seed=0, **kwargs)


def values(variables):
    return [to_numpy(v.value).copy() for v in variables]


def run_fit(model, images, epochs=1, batch_size=16, **compile_kwargs):
    """`run_fit_test` for a loss in [-1, 1]: finite and non-zero (not > 0)."""
    model.compile(**compile_kwargs)
    history = model.fit(images, epochs=epochs, batch_size=batch_size, verbose=0)
    losses = np.asarray(history.history["loss"])
    assert np.all(np.isfinite(losses)) and np.all(np.abs(losses) > 0), losses
    assert np.all(losses >= -1.0) and np.all(losses <= 1.0), losses
    return history


class StopAfterFirstEpoch(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        raise RuntimeError("interrupted")


def test_fits_with_and_without_jit(jit_compile):
    history = run_fit(make_model(), random_images(32, dtype="uint8"), jit_compile=jit_compile)
    assert 0.0 < history.history["projection_std"][0] <= 1.0


def test_loss_is_the_symmetric_negative_cosine_of_its_projections():
    model = make_model(augmentation=(identity, mirror))
    model.compile()
    images = random_images(8, dtype="uint8")
    logs = model.evaluate(images, batch_size=8, verbose=0, return_dict=True)
    batch = model.input_format.standardize(images)
    z1, z2 = (model.projector(model.encoder(v)) for v in (batch, mirror(batch)))
    p1, p2 = model.predictor(z1), model.predictor(z2)
    expected = (negative_cosine_similarity(p1, z2) + negative_cosine_similarity(p2, z1)) / 2
    np.testing.assert_allclose(logs["loss"], float(expected), rtol=1e-5, atol=1e-6)


def test_default_heads_are_the_papers_shape():
    model = keras_ssl.SimSiam(keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)))
    # 3 layers, BN on each, none after the last; a 2-layer 4x bottleneck.
    assert model.projector.blocks == [
        (512, True, "relu"), (512, True, "relu"), (512, True, None)
    ]
    assert model.predictor.blocks == [(128, True, "relu"), (512, False, None)]
    assert model.view_recipe == "simclr" and model.min_batch_size == 2


def test_save_load_and_resume_continues_exactly(tmp_path):
    images = random_images(16, dtype="uint8")
    fit = dict(batch_size=8, shuffle=False, verbose=0)
    straight = make_model()
    straight.compile()
    straight.fit(images, epochs=2, **fit)
    first = make_model()
    first.compile()
    first.fit(images, epochs=1, **fit)
    run_serialization_test(first)
    resumed = run_model_saving_test(first, images, str(tmp_path / "simsiam.keras"))
    resumed.fit(images, epochs=1, **fit)
    for a, b in zip(values(straight.weights), values(resumed.weights)):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_backup_and_restore_continues_exactly(tmp_path):
    images = random_images(16, dtype="uint8")
    fit = dict(batch_size=8, shuffle=False, verbose=0, epochs=2)
    straight = make_model()
    straight.compile()
    straight.fit(images, **fit)
    backup = keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))
    interrupted = make_model()
    interrupted.compile()
    with pytest.raises(RuntimeError, match="interrupted"):
        interrupted.fit(images, callbacks=[backup, StopAfterFirstEpoch()], **fit)
    resumed = make_model()
    resumed.compile()
    resumed.fit(images, callbacks=[backup], **fit)
    for a, b in zip(values(straight.weights), values(resumed.weights)):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_mixed_bfloat16_trains_without_nan():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = make_model()
        run_fit(model, random_images(32, dtype="uint8"), epochs=2)
        assert model.encoder.compute_dtype == "bfloat16"
        assert all(np.all(np.isfinite(w)) for w in values(model.weights))
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="projection_units"):
        make_model(projection_units=0)
    with pytest.raises(ValueError, match="pair"):
        make_model(augmentation=(identity, identity, identity))


class CollapsingSiamese(keras_ssl.methods.JointEmbeddingModel):
    """SimSiam without its stop-gradient, predictor and BatchNorm: a plain
    linear head pulling both views' outputs together, which the paper (Sec.
    4.1) shows collapses. (With SimSiam's BatchNorm heads the collapse is
    slower than a short test.)"""

    inputs_class = keras_ssl.inputs.ImageInputs
    view_recipe = "simclr"

    def __init__(self, encoder, **kwargs):
        super().__init__(encoder, **kwargs)
        self.projector = keras.layers.Dense(16)
        self.projector.build((None, self.feature_dim))

    def compute_ssl_loss(self, images, training):
        z1, z2 = self.encode_views(
            self.make_views(images), heads=(self.projector,), training=training
        )
        return negative_cosine_similarity(z1, z2, stop_gradient=False)


def test_stop_gradient_and_predictor_keep_embeddings_from_collapsing():
    images, _ = mnist5k_subset("train", size=256)
    spreads = {}
    for name, cls, kwargs in [
        ("simsiam", keras_ssl.SimSiam, dict(projection_hidden_units=(16, 16), projection_units=16)),
        ("collapsing", CollapsingSiamese, {}),
    ]:
        keras.utils.set_random_seed(0)
        model = cls(tiny_conv_net(), seed=0, **kwargs)
        run_fit(model, images, epochs=2, batch_size=32, optimizer=keras.optimizers.Adam(1e-2))
        features = model.predict(images, batch_size=256, verbose=0)
        projections = to_numpy(model.projector(features, training=False))
        spreads[name] = (embedding_std(features), embedding_std(projections))
    # Healthy projections spread about 1 / sqrt(d); threshold: 5% of that.
    threshold = 0.05 / np.sqrt(16)
    assert spreads["simsiam"][1] > threshold > spreads["collapsing"][1], spreads
    # CollapseMonitor's rule on the encoder's features: not collapsed.
    assert spreads["simsiam"][0] > 0.01 / np.sqrt(features.shape[1]), spreads
