import os

import keras
import numpy as np

import keras_ssl
from keras_ssl.cli import main
from test_case import random_images


def test_pretrain_saves_a_model_that_reloads(tmp_path, capsys):
    data = str(tmp_path / "images.npy")
    np.save(data, random_images(40, dtype="uint8")[..., 0])
    output = str(tmp_path / "rot.keras")
    code = main(["pretrain", "rotation", "--data", data, "--epochs", "1",
                 "--batch-size", "20", "--output", output])
    assert code == 0
    assert os.path.abspath(output) in capsys.readouterr().out
    model = keras.saving.load_model(output)
    assert isinstance(model, keras_ssl.RotationPrediction)
    assert int(model.optimizer.iterations) == 2


def test_bad_data_argument_exits_with_a_message(tmp_path, capsys):
    assert main(["pretrain", "autoencoder", "--data", "cifar"]) == 2
    assert "mnist5k, tfds:NAME" in capsys.readouterr().err
    assert main(["pretrain", "autoencoder", "--data", str(tmp_path / "no.npy")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_pretrain_mae_builds_a_vit_and_saves_a_model_that_reloads(tmp_path, capsys):
    data = str(tmp_path / "images.npy")
    np.save(data, random_images(16, dtype="uint8")[..., 0])
    output = str(tmp_path / "mae.keras")
    code = main(["pretrain", "mae", "--data", data, "--epochs", "1",
                 "--batch-size", "8", "--output", output])
    assert code == 0
    assert os.path.abspath(output) in capsys.readouterr().out
    model = keras.saving.load_model(output)
    assert isinstance(model, keras_ssl.MAE)
    assert isinstance(model.encoder, keras_ssl.encoders.ViT)
    assert int(model.optimizer.iterations) == 2
    images = random_images(4, dtype="uint8")
    assert model.encoder.predict(images, verbose=0).shape == (4, model.encoder.hidden_dim)
