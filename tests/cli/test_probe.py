import numpy as np
import pytest

import keras_ssl
from keras_ssl.cli import main
from keras_ssl.cli.probe import parse_budgets
from test_case import random_images
from test_case import tiny_conv_net

QUICK = ["--probe-epochs", "2", "--draws", "2", "--k", "3"]


def table_rows(output):
    return [line for line in output.splitlines() if line.startswith("| ")][1:]


def test_probes_a_saved_ssl_model_on_mnist5k(tmp_path, capsys):
    model = keras_ssl.RotationPrediction(encoder=tiny_conv_net(), seed=0)
    path = str(tmp_path / "rotation.keras")
    model.save(path)
    code = main(["probe", path, "--data", "mnist5k", "--labels-per-class", "1,all", *QUICK])
    output = capsys.readouterr().out
    assert code == 0
    assert "the encoder of RotationPrediction" in output
    rows = table_rows(output)
    assert [row.split("|")[1].strip() for row in rows] == ["1", "all"]
    assert rows[0].split("|")[2].strip() == "10"
    assert rows[1].split("|")[2].strip() == "4000"
    assert "±" in rows[0] and "±" not in rows[1]
    for row in rows:
        probe, knn = (float(cell.split("±")[0]) for cell in row.split("|")[4:6])
        assert 0.0 <= probe <= 100.0 and 0.0 <= knn <= 100.0


def test_probes_a_plain_encoder_on_an_npz_file(tmp_path, capsys):
    encoder = tiny_conv_net()
    encoder.save(str(tmp_path / "encoder.keras"))
    labels = np.arange(40) % 2
    np.savez(
        tmp_path / "data.npz",
        x_train=random_images(40, dtype="uint8"), y_train=labels,
        x_test=random_images(20, dtype="uint8", seed=1), y_test=labels[:20],
    )
    code = main([
        "probe", str(tmp_path / "encoder.keras"), "--data", str(tmp_path / "data.npz"),
        "--labels-per-class", "5", *QUICK,
    ])
    output = capsys.readouterr().out
    assert code == 0 and "conv_net from" in output
    assert len(table_rows(output)) == 1


def test_missing_files_and_unknown_presets_are_clear_errors(tmp_path, capsys):
    assert main(["probe", str(tmp_path / "missing.keras")]) == 2
    assert "no such file" in capsys.readouterr().err
    # Not a file: looked up as a preset name (keras_ssl.load_encoder), or
    # refused with a message naming the missing registry.
    assert main(["probe", "no_such_preset"]) == 2
    error = capsys.readouterr().err
    if hasattr(keras_ssl, "load_encoder"):
        assert "no_such_preset" in error
    else:
        assert "preset registry" in error


def test_parse_budgets():
    assert parse_budgets("1, 10,all") == (1, 10, "all")
    with pytest.raises(ValueError, match="positive int or 'all'"):
        parse_budgets("0,half")
