"""`ProcessBackupAndRestore`: one folder per process, and processes that
restored different steps are stopped (one process here; the 2-process kill
and restart is in test_multi_process.py)."""

import os

import numpy as np
import pytest

import keras_ssl
from keras_ssl.distributed import ProcessBackupAndRestore
from keras_ssl.distributed import process_backup

IMAGES = np.random.default_rng(0).integers(0, 256, (16, 8, 8, 1)).astype("uint8")


def _model():
    model = keras_ssl.BYOL(
        keras_ssl.encoders.ConvNet(input_shape=(8, 8, 1), stage_filters=((4,),)),
        projection_hidden_units=(8,), projection_units=4, prediction_hidden_units=(8,),
        seed=0,
    )
    model.compile()
    return model


def test_each_process_backs_up_into_its_own_folder(tmp_path):
    backup = ProcessBackupAndRestore(str(tmp_path), delete_checkpoint=False)
    assert backup.backup_dir == os.path.join(str(tmp_path), "process-0")
    model = _model()
    model.fit(IMAGES, batch_size=8, epochs=2, verbose=0, callbacks=[backup])
    assert os.listdir(tmp_path) == ["process-0"]
    resumed = _model()
    history = resumed.fit(IMAGES, batch_size=8, epochs=3, verbose=0,
                          callbacks=[ProcessBackupAndRestore(str(tmp_path))])
    assert len(history.history["loss"]) == 1  # epochs 0 and 1 were restored
    assert int(resumed.ema_step.numpy()) == 6


def test_processes_resuming_from_different_steps_are_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(
        process_backup.multi_process, "gather_from_processes", lambda step: [step, step + 2]
    )
    with pytest.raises(RuntimeError, match=r"different steps \(\[0, 2\]"):
        _model().fit(IMAGES, batch_size=8, epochs=1, verbose=0,
                     callbacks=[ProcessBackupAndRestore(str(tmp_path))])
