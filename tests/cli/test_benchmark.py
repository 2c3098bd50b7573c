"""`keras-ssl benchmark`: a preset's protocol row end to end, on a subset."""

import json

import pytest

import keras_ssl
from keras_ssl.cli import main


@pytest.mark.skipif(
    not keras_ssl.datasets.fashion_mnist_available(),
    reason="Fashion-MNIST's files are not here: `apt-get install dataset-fashion-mnist`",
)
def test_a_preset_row_on_a_fashion_mnist_subset(tmp_path, capsys):
    output = tmp_path / "row.json"
    code = main([
        "benchmark", "simclr_convnet_mnist5k", "--data", "fashion_mnist",
        "--subset", "1000", "--draws", "1", "--probe-epochs", "2",
        "--fine-tune-epochs", "1", "--fractions", "0.1", "--output", str(output),
    ])
    printed = capsys.readouterr().out
    assert code == 0, printed
    record = json.loads(output.read_text())
    assert record["data"] == "fashion_mnist" and record["protocol"]["k"] == 200
    metrics = record["metrics"]
    assert set(metrics) >= {"probe_accuracy_all", "knn_accuracy_all",
                            "fine_tune_accuracy_10_percent"}
    # A digit encoder on clothes still beats chance (10%) with a probe.
    assert metrics["probe_accuracy_all"] > 0.3
    assert f"| simclr_convnet_mnist5k | {100 * metrics['probe_accuracy_all']:.1f} |" in printed


def test_bad_arguments_are_clear_errors(capsys):
    assert main(["benchmark", "pixels", "--fractions", "0.01,2"]) == 2
    assert "each entry must be a number in (0, 1)" in capsys.readouterr().err
    assert main(["benchmark", "pixels", "--draws", "0"]) == 2
    assert "--draws must be a positive int" in capsys.readouterr().err


def test_a_random_init_row_has_fresh_weights(tmp_path, capsys, monkeypatch):
    import numpy as np

    from keras_ssl.evaluation import benchmark_protocol

    seen = {}

    def record(encoder, data, **kwargs):
        seen["encoder"], seen["kwargs"] = encoder, kwargs
        return {"probe_accuracy_all": 0.5, "knn_accuracy_all": 0.5}

    monkeypatch.setattr(benchmark_protocol, "benchmark_metrics", record)
    code = main(["benchmark", "random:simclr_convnet_mnist5k", "--train-batch-norm",
                 "--output", str(tmp_path / "row.json")])
    assert code == 0, capsys.readouterr()
    pretrained = keras_ssl.load_encoder("simclr_convnet_mnist5k")
    assert seen["encoder"].get_config() == pretrained.get_config()
    assert not np.allclose(seen["encoder"].get_weights()[0], pretrained.get_weights()[0])
    assert seen["kwargs"]["fine_tune_kwargs"] == {"train_batch_norm": True}
    assert "random-init copy" in capsys.readouterr().out
