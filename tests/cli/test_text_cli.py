import keras
import pytest

import keras_ssl
from keras_ssl.cli import main
from keras_ssl.datasets.fortunes_data import fortunes_available

TEXTS = [f"a short text number {i} about {w}" for i, w in enumerate(["cats", "dogs", "code", "war"] * 4)]


def test_pretrain_simcse_on_a_text_file(tmp_path, capsys):
    data = tmp_path / "texts.txt"
    data.write_text("\n".join(TEXTS) + "\n")
    output = str(tmp_path / "simcse.keras")
    code = main(["pretrain", "simcse", "--data", str(data), "--epochs", "1",
                 "--batch-size", "8", "--vocabulary-size", "60",
                 "--sequence-length", "12", "--output", output])
    assert code == 0
    assert "SimCSE" in capsys.readouterr().out
    model = keras.saving.load_model(output)
    assert isinstance(model, keras_ssl.SimCSE)
    assert int(model.optimizer.iterations) == 2
    assert model.encoder.sequence_length == 12


@pytest.mark.skipif(
    not fortunes_available(),
    reason="Debian's fortune files are absent (apt-get install fortunes)",
)
def test_finetune_a_text_preset_on_fortunes(tmp_path, capsys):
    output = str(tmp_path / "text.keras")
    code = main(["finetune", "mlm_tiny_shakespeare", "--data", "fortunes",
                 "--labels-per-class", "2", "--epochs", "1", "--output", output])
    assert code == 0
    assert "Test accuracy" in capsys.readouterr().out
    assert isinstance(keras.saving.load_model(output), keras_ssl.TextClassifier)
