"""SSLModel.save and save_weights replace a file only once it is complete."""

import os

import keras
import numpy as np
import pytest

from tiny_preset import tiny_rotation_model
from tiny_preset import to_numpy


def fail_part_way(model, monkeypatch):
    """Make the rotation head's weights unwritable: the save fails after the
    config and the encoder's weights were written."""

    def refuse(store):
        raise OSError("disk full")

    monkeypatch.setattr(model.head, "save_own_variables", refuse)


def shifted(model):
    for weight in model.trainable_weights:
        weight.assign(weight + 1.0)
    return model


def test_a_failed_save_keeps_the_previous_file(tmp_path, monkeypatch):
    path = str(tmp_path / "model.keras")
    model = tiny_rotation_model()
    model.save(path)
    before = open(path, "rb").read()

    fail_part_way(shifted(model), monkeypatch)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert open(path, "rb").read() == before
    assert os.listdir(tmp_path) == ["model.keras"]
    keras.saving.load_model(path)  # still a complete file

    monkeypatch.undo()
    model.save(path)
    restored = keras.saving.load_model(path)
    np.testing.assert_array_equal(
        to_numpy(restored.head.weights[0].value), to_numpy(model.head.weights[0].value)
    )
    assert os.listdir(tmp_path) == ["model.keras"]


def test_a_failed_save_weights_keeps_the_previous_file(tmp_path, monkeypatch):
    path = str(tmp_path / "model.weights.h5")
    model = tiny_rotation_model()
    model.save_weights(path)
    before = open(path, "rb").read()
    fail_part_way(shifted(model), monkeypatch)
    with pytest.raises(OSError, match="disk full"):
        model.save_weights(path)
    assert open(path, "rb").read() == before
    assert os.listdir(tmp_path) == ["model.weights.h5"]
    tiny_rotation_model().load_weights(path)


def test_checkpoints_and_keras_errors_are_unchanged(tmp_path):
    model = tiny_rotation_model()
    images = 255.0 * np.random.default_rng(0).random((6, 12, 12, 1)).astype("float32")
    model.fit(
        images, epochs=2, batch_size=3, verbose=0,
        callbacks=[
            keras.callbacks.ModelCheckpoint(str(tmp_path / "epoch{epoch}.keras")),
            keras.callbacks.ModelCheckpoint(
                str(tmp_path / "last.weights.h5"), save_weights_only=True
            ),
        ],
    )
    assert sorted(os.listdir(tmp_path)) == ["epoch1.keras", "epoch2.keras", "last.weights.h5"]
    restored = keras.saving.load_model(str(tmp_path / "epoch2.keras"))
    np.testing.assert_array_equal(to_numpy(restored(images)), to_numpy(model(images)))
    # Keras still reports a bad extension, naming the user's path.
    with pytest.raises(ValueError, match=r"model\.pt"):
        model.save(str(tmp_path / "model.pt"))
    assert ".partial" not in " ".join(os.listdir(tmp_path))
