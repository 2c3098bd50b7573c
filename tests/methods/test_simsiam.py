import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.evaluation import embedding_std
from keras_ssl.losses import negative_cosine_similarity
from method_test_case import fit_test_views
from method_test_case import CollapsingSiamese
from method_test_case import identity_view
from method_test_case import mirror_view
from method_test_case import run_backup_and_restore_test
from method_test_case import run_bfloat16_test
from method_test_case import run_resume_test
from test_case import mnist5k_subset
from test_case import random_images
from test_case import tiny_conv_net

to_numpy = keras.ops.convert_to_numpy


def make_model(encoder=None, **kwargs):
    keras.utils.set_random_seed(0)  # same initial weights at every call
    kwargs.setdefault("projection_hidden_units", (16, 16))
    kwargs.setdefault("projection_units", 16)
    return keras_ssl.SimSiam(encoder=encoder or tiny_conv_net(), seed=0, **kwargs)


def run_fit(model, images, epochs=1, batch_size=16, **compile_kwargs):
    """`run_fit_test` for a loss in [-1, 1]: finite and non-zero (not > 0)."""
    model.compile(**compile_kwargs)
    history = model.fit(images, epochs=epochs, batch_size=batch_size, verbose=0)
    losses = np.asarray(history.history["loss"])
    assert np.all(np.isfinite(losses)) and np.all(np.abs(losses) > 0), losses
    assert np.all(losses >= -1.0) and np.all(losses <= 1.0), losses
    return history


def test_fits_with_and_without_jit(jit_compile):
    history = run_fit(
        make_model(augmentation=fit_test_views(jit_compile)), random_images(32, dtype="uint8"),
        jit_compile=jit_compile,
    )
    assert 0.0 < history.history["projection_std"][0] <= 1.0


def test_loss_is_the_symmetric_negative_cosine_of_its_projections():
    model = make_model(augmentation=(identity_view, mirror_view))
    model.compile()
    images = random_images(8, dtype="uint8")
    logs = model.evaluate(images, batch_size=8, verbose=0, return_dict=True)
    batch = model.input_format.standardize(images)
    z1, z2 = (model.projector(model.encoder(v)) for v in (batch, mirror_view(batch)))
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
    run_resume_test(make_model, tmp_path / "simsiam.keras")


def test_backup_and_restore_continues_exactly(tmp_path):
    run_backup_and_restore_test(make_model, tmp_path / "backup")


def test_mixed_bfloat16_trains_without_nan():
    run_bfloat16_test(make_model, fit_test=run_fit)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="projection_units"):
        make_model(projection_units=0)
    with pytest.raises(ValueError, match="pair"):
        make_model(augmentation=(identity_view, identity_view, identity_view))


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
