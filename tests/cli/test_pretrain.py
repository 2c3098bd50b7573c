import os

import keras
import numpy as np

import keras_ssl
from keras_ssl.cli import main
from test_case import random_images


def pretrain_and_reload(tmp_path, capsys, method, images, batch_size):
    """`keras-ssl pretrain METHOD` for an epoch on `images` random digits;
    the saved model, reloaded."""
    data = str(tmp_path / "images.npy")
    np.save(data, random_images(images, dtype="uint8")[..., 0])
    output = str(tmp_path / f"{method}.keras")
    code = main(["pretrain", method, "--data", data, "--epochs", "1",
                 "--batch-size", str(batch_size), "--output", output])
    assert code == 0
    assert os.path.abspath(output) in capsys.readouterr().out
    return keras.saving.load_model(output)


def test_pretrain_saves_a_model_that_reloads(tmp_path, capsys):
    model = pretrain_and_reload(tmp_path, capsys, "rotation", images=40, batch_size=20)
    assert isinstance(model, keras_ssl.RotationPrediction)
    assert int(model.optimizer.iterations) == 2


def test_bad_data_argument_exits_with_a_message(tmp_path, capsys):
    assert main(["pretrain", "autoencoder", "--data", "cifar"]) == 2
    assert "mnist5k, tfds:NAME" in capsys.readouterr().err
    assert main(["pretrain", "autoencoder", "--data", str(tmp_path / "no.npy")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_pretrain_mae_builds_a_vit_and_saves_a_model_that_reloads(tmp_path, capsys):
    model = pretrain_and_reload(tmp_path, capsys, "mae", images=16, batch_size=8)
    assert isinstance(model, keras_ssl.MAE)
    assert isinstance(model.encoder, keras_ssl.encoders.ViT)
    assert int(model.optimizer.iterations) == 2
    images = random_images(4, dtype="uint8")
    assert model.encoder.predict(images, verbose=0).shape == (4, model.encoder.hidden_dim)
