import warnings

import keras
import numpy as np
import pytest

from keras_ssl.callbacks import CollapseWarning
from keras_ssl.methods.cluster_collapse import ClusterCollapseCheck
from keras_ssl.methods.cluster_collapse import codes_entropy
from keras_ssl.methods.cluster_collapse import prototype_usage

to_numpy = keras.ops.convert_to_numpy


def test_signals_of_sharp_uniform_and_one_cluster_codes():
    rng = np.random.default_rng(0)
    codes = rng.dirichlet(np.ones(8), size=6).astype("float32")
    entropy = -np.sum(codes * np.log(codes), axis=1).mean()
    np.testing.assert_allclose(to_numpy(codes_entropy(codes)), entropy, rtol=1e-5)
    used = len(set(codes.argmax(axis=1))) / 8
    np.testing.assert_allclose(to_numpy(prototype_usage(codes)), used)
    uniform = np.full((6, 8), 1 / 8, "float32")
    np.testing.assert_allclose(to_numpy(codes_entropy(uniform)), np.log(8), rtol=1e-5)
    one_cluster = np.eye(8, dtype="float32")[[3] * 6]
    np.testing.assert_allclose(to_numpy(codes_entropy(one_cluster)), 0.0, atol=1e-5)
    np.testing.assert_allclose(to_numpy(prototype_usage(one_cluster)), 1 / 8)


def epoch(check, entropy, usage):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check.update({"codes_entropy": entropy, "prototype_usage": usage, "loss": 1.0})
    return [w for w in caught if issubclass(w.category, CollapseWarning)]


@pytest.mark.parametrize("collapsed", [(np.log(100) * 0.99, 0.5), (1.0, 0.01)])
def test_warns_once_after_two_collapsed_epochs_in_a_row(collapsed):
    check = ClusterCollapseCheck(num_prototypes=100, method="SwAV")
    healthy = (1.0, 0.5)
    assert not epoch(check, *collapsed)
    assert not epoch(check, *healthy)  # not two in a row
    assert not epoch(check, *collapsed)
    flagged = epoch(check, *collapsed)
    assert len(flagged) == 1
    message = str(flagged[0].message)
    assert "SwAV" in message and "smaller epsilon" in message and "fewer prototypes" in message
    assert not epoch(check, *collapsed)  # once per fit
    check.reset()  # a new fit
    assert not epoch(check, *collapsed) and len(epoch(check, *collapsed)) == 1
