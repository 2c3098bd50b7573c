import warnings

import keras
import numpy as np
import pytest

from keras_ssl.callbacks import CollapseMonitor
from keras_ssl.callbacks import CollapseWarning


def fit_with(monitor, epochs=1):
    """Train a throwaway regression model with `monitor` attached."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    return model.fit(x, x[:, :1], epochs=epochs, verbose=0, callbacks=[monitor])


def constant_encoder(dim=8):
    return keras.Sequential([
        keras.Input((4,)),
        keras.layers.Dense(dim, kernel_initializer="zeros", bias_initializer="ones"),
    ])


def test_constant_embeddings_log_zero_and_warn():
    data = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    monitor = CollapseMonitor(data, encoder=constant_encoder())
    with pytest.warns(CollapseWarning, match="collapsed"):
        history = fit_with(monitor, epochs=2)
    assert history.history["embedding_std"] == pytest.approx([0.0, 0.0], abs=1e-6)


def test_random_embeddings_log_one_over_sqrt_d_without_warning():
    dim = 32
    data = np.random.default_rng(0).normal(size=(2000, dim)).astype("float32")
    identity = keras.Sequential([keras.Input((dim,)), keras.layers.Identity()])
    monitor = CollapseMonitor(data, encoder=identity, name="spread")
    with warnings.catch_warnings():
        warnings.simplefilter("error", CollapseWarning)
        history = fit_with(monitor)
    assert history.history["spread"][0] == pytest.approx(1 / np.sqrt(dim), rel=0.05)


def test_stop_on_collapse_stops_training():
    data = np.ones((16, 4), "float32")
    monitor = CollapseMonitor(data, encoder=constant_encoder(), stop_on_collapse=True)
    with pytest.warns(CollapseWarning):
        history = fit_with(monitor, epochs=5)
    assert len(history.history["loss"]) == 1


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="collapse_ratio"):
        CollapseMonitor(np.ones((4, 4)), collapse_ratio=2.0)
    with pytest.raises(ValueError, match="every_n_epochs"):
        CollapseMonitor(np.ones((4, 4)), every_n_epochs=0)
