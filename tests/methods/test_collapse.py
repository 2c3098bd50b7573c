"""A short mnist5k run leaves every new method's embeddings spread out.

Embeddings that collapse to one point make a useless encoder while the loss
may still look fine. After 2 epochs on 256 real digits, each method's
projections must spread above 5% of the isotropic `1 / sqrt(d)`
(`keras_ssl.evaluation.embedding_std`), and a deliberately collapsing
configuration in the same test must fall below it, so the threshold can
fail: SimSiam without its stop-gradient, predictor and BatchNorm (Chen & He
2021, section 4.1; `CollapsingSiamese` of method_test_case.py). (VICReg with
only its invariance term does not collapse within so short a run: its
projector's BatchNorm keeps the projections spread.)
"""

import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.evaluation import embedding_std
from test_case import mnist5k_subset
from method_test_case import CollapsingSiamese
from test_case import tiny_conv_net

HEADS = dict(projection_hidden_units=(16, 16), projection_units=16)
CONFIGURATIONS = {
    "barlow_twins": (keras_ssl.BarlowTwins, HEADS),
    "vicreg": (keras_ssl.VICReg, HEADS),
    "moco": (keras_ssl.MoCo, dict(HEADS, prediction_hidden_units=(16,))),
    "nnclr": (keras_ssl.NNCLR, dict(HEADS, prediction_hidden_units=(16,), support_set_size=64)),
    "collapsing": (CollapsingSiamese, {}),
}


def projection_spread(name, images):
    cls, kwargs = CONFIGURATIONS[name]
    keras.utils.set_random_seed(0)
    model = cls(tiny_conv_net(), seed=0, **kwargs)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = model.fit(images, epochs=2, batch_size=32, verbose=0)
    assert np.all(np.isfinite(history.history["loss"])), history.history
    features = model.predict(images, batch_size=256, verbose=0)
    projections = keras.ops.convert_to_numpy(model.projector(features, training=False))
    return embedding_std(projections)


@pytest.fixture(scope="module")
def digits():
    return mnist5k_subset("train", size=256)[0]


@pytest.fixture(scope="module")
def collapsed(digits):
    return projection_spread("collapsing", digits)


@pytest.mark.parametrize("name", ["barlow_twins", "vicreg", "moco", "nnclr"])
def test_embeddings_stay_spread_after_a_short_mnist5k_run(name, digits, collapsed):
    threshold = 0.05 / np.sqrt(HEADS["projection_units"])
    spread = projection_spread(name, digits)
    assert spread > threshold > collapsed, (name, spread, collapsed)
