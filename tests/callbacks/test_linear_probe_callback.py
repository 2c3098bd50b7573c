import csv
import os

import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.callbacks import KNNMonitor
from keras_ssl.callbacks import LinearProbe
from keras_ssl.evaluation import knn_accuracy
from keras_ssl.evaluation import linear_probe
from test_case import mnist5k_subset
from test_case import tiny_conv_net

PROBE = dict(probe_epochs=5, batch_size=32)


def labeled_sets():
    return mnist5k_subset("train", per_class=6), mnist5k_subset("test", size=100)


def test_logs_the_probe_of_the_current_weights():
    train, val = labeled_sets()
    model = keras_ssl.RotationPrediction(encoder=tiny_conv_net(), seed=0)
    model.compile()
    probe = LinearProbe(train, val, **PROBE)
    knn = KNNMonitor(train, val, k=5)
    history = model.fit(train[0], epochs=2, batch_size=20, callbacks=[probe, knn], verbose=0)
    logs = history.history
    keys = ("val_probe_accuracy", "val_probe_top_5_accuracy", "val_probe_loss", "val_knn_accuracy")
    for key in keys:
        assert len(logs[key]) == 2
    assert [entry["epoch"] for entry in probe.history] == [0, 1]
    # The last measurement saw the final weights (on JAX too, where the
    # weights live outside the variables during fit).
    final = linear_probe(model.encoder, train, val, epochs=5, batch_size=32)
    assert logs["val_probe_loss"][-1] == pytest.approx(final["loss"], rel=1e-5)
    assert logs["val_probe_accuracy"][-1] == pytest.approx(final["accuracy"])
    final_knn = knn_accuracy(model.encoder, train, val, k=5)
    assert logs["val_knn_accuracy"][-1] == pytest.approx(final_knn)
    # Training changed the encoder, and the probe saw the change.
    assert logs["val_probe_loss"][0] != logs["val_probe_loss"][1]


def no_batchnorm_encoder():
    """Without BatchNorm, a zero learning rate freezes the encoder exactly."""
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(8, 3, strides=2, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(x))


def test_early_stopping_and_checkpoint_follow_the_probe(tmp_path):
    train, val = labeled_sets()
    images = train[0]  # 60 images, batch 20: 3 steps per epoch
    # The encoder trains for two epochs, then the learning rate is 0 and
    # the probe cannot improve any more: EarlyStopping must stop.
    schedule = keras.optimizers.schedules.PiecewiseConstantDecay([6], [3e-2, 0.0])
    model = keras_ssl.RotationPrediction(encoder=no_batchnorm_encoder(), seed=0)
    model.compile(optimizer=keras.optimizers.Adam(schedule))
    path = str(tmp_path / "best.keras")
    patience = 2
    history = model.fit(
        images, epochs=20, batch_size=20, verbose=0,
        callbacks=[
            LinearProbe(train, val, **PROBE),
            keras.callbacks.EarlyStopping(
                monitor="val_probe_accuracy", mode="max", patience=patience,
                restore_best_weights=True,
            ),
            keras.callbacks.ModelCheckpoint(
                path, monitor="val_probe_accuracy", mode="max", save_best_only=True
            ),
        ],
    )
    accuracies = history.history["val_probe_accuracy"]
    losses = history.history["val_probe_loss"]
    best_epoch = int(np.argmax(accuracies))  # the first of equal values
    assert best_epoch <= 2  # the encoder is frozen from epoch 2 on
    assert accuracies[2:] == [accuracies[2]] * (len(accuracies) - 2)
    assert len(accuracies) == best_epoch + patience + 1 < 20
    # The checkpoint holds the best model, and EarlyStopping restored it.
    best = keras.saving.load_model(path)
    best_probe = linear_probe(best.encoder, train, val, epochs=5, batch_size=32)
    assert best_probe["loss"] == pytest.approx(losses[best_epoch], rel=1e-5)
    for saved, restored in zip(best.encoder.weights, model.encoder.weights):
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(saved), keras.ops.convert_to_numpy(restored)
        )


def fit_with_skipped_epochs(extra_callbacks):
    """4 epochs, LinearProbe and KNNMonitor every 2 epochs."""
    train, val = labeled_sets()
    model = keras_ssl.RotationPrediction(encoder=tiny_conv_net(), seed=0)
    model.compile()
    probe = LinearProbe(train, val, every_n_epochs=2, **PROBE)
    knn = KNNMonitor(train, val, k=5, every_n_epochs=2)
    model.fit(
        train[0][:40], epochs=4, batch_size=20, verbose=0,
        callbacks=[probe, knn] + extra_callbacks,
    )
    return probe


def test_skipped_epochs_repeat_the_last_value_for_csv_and_plateau(tmp_path):
    csv_path = str(tmp_path / "log.csv")
    probe = fit_with_skipped_epochs([
        keras.callbacks.ReduceLROnPlateau(monitor="val_knn_accuracy", mode="max", patience=1),
        keras.callbacks.CSVLogger(csv_path),
    ])
    # Measured on the first epoch, multiples of 2, and the last epoch.
    assert [entry["epoch"] for entry in probe.history] == [0, 2, 3]
    with open(csv_path) as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 4
    assert rows[1]["val_probe_accuracy"] == rows[0]["val_probe_accuracy"]
    assert rows[1]["val_knn_accuracy"] == rows[0]["val_knn_accuracy"]
    assert float(rows[2]["val_probe_loss"]) == pytest.approx(probe.history[1]["val_probe_loss"])
    assert "lr" in rows[0] or "learning_rate" in rows[0]


def test_tensorboard_records_the_probe(tmp_path):
    pytest.importorskip("tensorboard")
    import tensorflow as tf

    fit_with_skipped_epochs([keras.callbacks.TensorBoard(str(tmp_path / "tb"))])
    logged = set()
    for directory, _, files in os.walk(tmp_path / "tb"):
        for name in files:
            for event in tf.compat.v1.train.summary_iterator(os.path.join(directory, name)):
                logged.update(value.tag for value in event.summary.value)
    assert "epoch_probe_accuracy" in logged and "epoch_knn_accuracy" in logged


def test_bad_data_fails_before_training():
    train, val = labeled_sets()
    with pytest.raises(ValueError, match="labels"):
        LinearProbe((train[0], train[1][:3]), val)
    model = keras_ssl.RotationPrediction(encoder=tiny_conv_net(), seed=0)
    model.compile()
    wrong = (np.zeros((4, 28, 28, 3), "uint8"), np.arange(4))
    with pytest.raises(ValueError, match="channel"):
        model.fit(train[0], epochs=1, verbose=0, callbacks=[KNNMonitor(wrong, wrong)])
