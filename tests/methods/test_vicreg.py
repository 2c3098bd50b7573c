import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.losses import vicreg_loss
from method_test_case import fit_test_views
from method_test_case import identity_view
from method_test_case import mirror_view
from method_test_case import run_backup_and_restore_test
from method_test_case import run_bfloat16_test
from method_test_case import run_resume_test
from test_case import random_images
from test_case import run_input_forms_test
from test_case import tiny_conv_net


def make_model(encoder=None, **kwargs):
    keras.utils.set_random_seed(0)  # same initial weights at every call
    kwargs.setdefault("projection_hidden_units", (16, 16))
    kwargs.setdefault("projection_units", 16)
    return keras_ssl.VICReg(encoder=encoder or tiny_conv_net(), seed=0, **kwargs)


def test_fits_with_and_without_jit(jit_compile):
    history = run_input_forms_test(
        make_model(augmentation=fit_test_views(jit_compile)), "numpy_uint8", jit_compile
    )
    logs = {key: value[0] for key, value in history.history.items()}
    terms = [logs[f"{term}_loss"] for term in ("invariance", "variance", "covariance")]
    assert all(term > 0 for term in terms), terms
    np.testing.assert_allclose(logs["loss"], 25 * terms[0] + 25 * terms[1] + terms[2], rtol=1e-5)


def test_loss_is_vicreg_loss_of_its_projections():
    weights = dict(invariance_weight=2.0, variance_weight=3.0, covariance_weight=4.0)
    model = make_model(augmentation=(identity_view, mirror_view), **weights)
    model.compile()
    images = random_images(8, dtype="uint8")
    logs = model.evaluate(images, batch_size=8, verbose=0, return_dict=True)
    batch = model.input_format.standardize(images)
    z1, z2 = (model.projector(model.encoder(v)) for v in (batch, mirror_view(batch)))
    expected = vicreg_loss(z1, z2, **weights)
    np.testing.assert_allclose(logs["loss"], float(expected), rtol=1e-5)


def test_default_expander_is_the_papers_shape():
    model = keras_ssl.VICReg(keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)))
    # Three linear layers, BN + ReLU after the first two.
    assert model.projector.blocks == [
        (1024, True, "relu"), (1024, True, "relu"), (1024, False, None)
    ]
    assert (model.invariance_weight, model.variance_weight, model.covariance_weight) == (
        25.0, 25.0, 1.0
    )
    assert model.view_recipe == "byol" and model.min_batch_size == 2


def test_save_load_and_resume_continues_exactly(tmp_path):
    run_resume_test(make_model, tmp_path / "vicreg.keras")


def test_backup_and_restore_continues_exactly(tmp_path):
    run_backup_and_restore_test(make_model, tmp_path / "backup")


def test_mixed_bfloat16_trains_without_nan():
    run_bfloat16_test(make_model)


def test_a_batch_of_one_is_refused():
    model = make_model()
    model.compile()
    with pytest.raises(ValueError, match="at least 2 examples"):
        model.fit(random_images(4, dtype="uint8"), batch_size=1, verbose=0)


@pytest.mark.parametrize(
    "argument", ["invariance_weight", "variance_weight", "covariance_weight", "epsilon"]
)
def test_negative_arguments_are_refused(argument):
    with pytest.raises(ValueError, match=argument):
        make_model(**{argument: -1.0})
