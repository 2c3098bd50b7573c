"""Every private Keras attribute keras_ssl relies on is still where
`keras_ssl.keras_compat` expects it; these fail loudly if Keras moves one."""

import keras
import numpy as np
import pytest

from keras_ssl import keras_compat


def tiny_model():
    inputs = keras.Input((3,))
    return keras.Model(inputs, keras.layers.Dense(2)(inputs))


def test_the_loss_tracker_is_the_mean_behind_the_loss_log():
    model = tiny_model()
    model.compile(optimizer="sgd", loss="mse")
    tracker = keras_compat.loss_tracker(model)
    assert isinstance(tracker, keras.metrics.Mean)
    assert tracker.name == "loss"
    assert tracker in model.metrics
    tracker.update_state(2.5)
    assert float(model.get_metrics_result()["loss"]) == pytest.approx(2.5)


def test_without_compile_there_is_no_tracker_and_the_error_says_so():
    with pytest.raises(RuntimeError, match="compile"):
        keras_compat.loss_tracker(tiny_model())


def test_fit_passes_the_cached_validation_keyword_to_evaluate():
    seen = []

    class Recording(keras.Model):
        def evaluate(self, *args, **kwargs):
            seen.append(keras_compat.is_validation_pass(kwargs))
            return super().evaluate(*args, **kwargs)

    inputs = keras.Input((3,))
    model = Recording(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.zeros((8, 3)), np.zeros((8, 1))
    model.fit(x, y, validation_data=(x, y), epochs=2, verbose=0)
    model.evaluate(x, y, verbose=0)
    assert seen == [True, True, False]


def test_own_variables_are_the_layers_own_in_save_order():
    class WithOwn(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)
            self.scale = self.add_weight(shape=(), name="scale")
            self.count = self.add_weight(shape=(), trainable=False, name="count")

    layer = WithOwn()
    layer.dense.build((None, 3))
    assert keras_compat.own_variables(layer) == [layer.scale, layer.count]
    store = {}
    layer.save_own_variables(store)
    assert len(store) == 2


def test_keras_home_is_where_get_file_caches(tmp_path):
    path = tmp_path / "payload.txt"
    path.write_text("x")
    cached = keras.utils.get_file(
        "keras_compat_probe.txt", origin=path.as_uri(), cache_subdir="keras_ssl_probe"
    )
    assert cached.startswith(keras_compat.keras_home())
