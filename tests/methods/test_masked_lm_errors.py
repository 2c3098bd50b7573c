"""MaskedLM: clear errors for bad texts and calls, and `keras-ssl pretrain mlm`."""

import keras
import numpy as np
import pytest

import keras_ssl
from masked_lm_corpus import TRAIN
from masked_lm_corpus import make_model
from masked_lm_corpus import vocabulary  # noqa: F401 (a fixture)
from test_case import tiny_conv_net

pytest.importorskip("tensorflow")
pytest.importorskip("keras_nlp")


# Each bad call, and words its error message must contain.
BAD_TEXTS = {
    "empty_corpus": ([], "corpus is empty"),
    "empty_string": (["the cat", ""], r"texts\[1\] is empty"),
    "non_string": (["the cat", 7], r"texts\[1\] is int"),
    "numbers": (np.zeros((4, 8), "float32"), "numeric array"),
    "single_string": ("the cat sat", "not a path to a file"),
}


@pytest.mark.parametrize("case", sorted(BAD_TEXTS))
def test_bad_text_raises_clear_errors(vocabulary, case):
    texts, message = BAD_TEXTS[case]
    with pytest.raises(ValueError, match=message):
        keras_ssl.MaskedLM.from_texts(texts, vocabulary_size=50)
    model = make_model(vocabulary)
    model.compile()
    with pytest.raises(ValueError, match=message):
        model.fit(texts, verbose=0)


def test_other_bad_calls_raise_clear_errors(vocabulary):
    # vocabulary_size is an upper bound: a small corpus gives fewer, warned.
    with pytest.warns(UserWarning, match="supports a WordPiece vocabulary of"):
        model = keras_ssl.MaskedLM.from_texts(TRAIN, vocabulary_size=5000)
    assert len(model.tokenizer.get_vocabulary()) < 5000
    with pytest.raises(ValueError, match="TextTransformer"):
        keras_ssl.MaskedLM(encoder=tiny_conv_net())
    with pytest.raises(ValueError, match="mask_token_rate \\+ random_token_rate"):
        make_model(vocabulary, mask_token_rate=0.8, random_token_rate=0.3)
    with pytest.raises(ValueError, match="mask_selection_rate"):
        make_model(vocabulary, mask_selection_rate=0.0)
    model = make_model(vocabulary)
    model.compile()
    with pytest.raises(ValueError, match="Do not pass y"):
        model.fit(TRAIN[:4], np.zeros(4), verbose=0)
    with pytest.raises(ValueError, match="got integer token ids"):
        model.fit(model.encoder.tokenize(TRAIN[:4]), verbose=0)
    with pytest.raises(ValueError, match="compile\\(\\) takes no loss"):
        model.compile(loss="mse")


def test_cli_pretrains_on_a_text_file(tmp_path, capsys):
    from keras_ssl.cli import main

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(TRAIN[:128]), encoding="utf-8")
    output = str(tmp_path / "mlm.keras")
    code = main([
        "pretrain", "mlm", "--data", str(corpus), "--epochs", "1",
        "--batch-size", "64", "--vocabulary-size", "80",
        "--sequence-length", "16", "--output", output,
    ])
    assert code == 0
    assert output in capsys.readouterr().out
    model = keras.saving.load_model(output)
    assert isinstance(model, keras_ssl.MaskedLM)
    assert int(model.optimizer.iterations) == 2
    assert len(model.tokenizer.get_vocabulary()) <= 80
    assert main(["pretrain", "mlm", "--data", "mnist5k"]) == 2
    assert "is not text" in capsys.readouterr().err
