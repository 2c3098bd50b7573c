import keras
import numpy as np

from keras_ssl.cli import main
from test_case import tiny_conv_net


def test_finetunes_a_saved_encoder_on_mnist5k_and_saves_the_classifier(tmp_path, capsys):
    encoder_path = str(tmp_path / "encoder.keras")
    tiny_conv_net().save(encoder_path)
    output = str(tmp_path / "clf.keras")
    code = main([
        "finetune", encoder_path, "--data", "mnist5k", "--labels-per-class", "1",
        "--epochs", "1", "--output", output,
    ])
    printed = capsys.readouterr().out
    assert code == 0, printed
    accuracy = float(printed.split("Test accuracy: ")[1].split("%")[0])
    assert 0.0 <= accuracy <= 100.0 and "on 1000 images" in printed
    classifier = keras.saving.load_model(output)
    assert type(classifier).__name__ == "ImageClassifier"
    assert classifier.predict(np.zeros((2, 28, 28, 1), "uint8"), verbose=0).shape == (2, 10)


def test_bad_arguments_are_clear_errors(tmp_path, capsys):
    assert main(["finetune", str(tmp_path / "missing.keras")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["finetune", "x.keras", "--labels-per-class", "zero"]) == 2
    assert "positive int or 'all'" in capsys.readouterr().err
    assert main(["finetune", "x.keras", "--head-epochs", "10", "--epochs", "3"]) == 2
    assert "--epochs > 10" in capsys.readouterr().err
    assert main(["finetune", "x.keras", "--batch-size", "0"]) == 2
    assert "--batch-size must be a positive int" in capsys.readouterr().err
