import os

import keras
import numpy as np
import pytest

import keras_ssl
from keras_ssl.methods.masked_lm import masked_token_loss
from masked_lm_corpus import HELD_OUT
from masked_lm_corpus import TRAIN
from masked_lm_corpus import VOCABULARY_SIZE
from masked_lm_corpus import frozen_batches
from masked_lm_corpus import make_model
from masked_lm_corpus import vocabulary  # noqa: F401 (a fixture)
from test_case import run_serialization_test

tf = pytest.importorskip("tensorflow")
pytest.importorskip("keras_nlp")

@pytest.fixture(scope="module")
def trained(vocabulary):
    """A model trained 5 epochs on TRAIN, and the steps its fit took."""
    keras.utils.set_random_seed(0)
    model = make_model(vocabulary)
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    steps = []
    counter = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: steps.append(batch)
    )
    history = model.fit(TRAIN, epochs=5, batch_size=32, callbacks=[counter], verbose=0)
    return model, history, steps


def test_from_texts_learns_a_vocabulary_and_builds_the_model(vocabulary):
    model = keras_ssl.MaskedLM.from_texts(
        TRAIN, vocabulary_size=VOCABULARY_SIZE, sequence_length=24,
        num_layers=1, hidden_dim=16, num_heads=4, intermediate_dim=32,
        mask_selection_rate=0.2, seed=3,
    )
    assert model.tokenizer.get_vocabulary() == vocabulary
    assert 0.95 * VOCABULARY_SIZE <= len(vocabulary) <= VOCABULARY_SIZE
    assert {"the", "bread", "morning"} <= set(vocabulary)
    encoder = model.encoder
    assert (encoder.sequence_length, encoder.num_heads, encoder.hidden_dim) == (24, 4, 16)
    assert (model.mask_selection_rate, model.seed) == (0.2, 3)
    assert model.built and model.head.token_embedding is (
        encoder.token_embedding.token_embedding  # Tied to the input embedding.
    )


def test_fit_on_a_list_of_strings_honours_batch_size(trained):
    _, history, steps = trained
    assert len(TRAIN) == 576 and len(steps) == 5 * 18  # 576 / 32 per epoch.
    losses = np.asarray(history.history["loss"])
    assert np.all(np.isfinite(losses)) and np.all(losses > 0), losses
    assert losses[-1] < losses[0]
    accuracy = history.history["masked_token_accuracy"]
    assert all(0.0 <= value <= 1.0 for value in accuracy)


def test_fit_with_and_without_jit(vocabulary, jit_compile):
    model = make_model(vocabulary)
    model.compile(jit_compile=jit_compile)
    history = model.fit(TRAIN[:16], epochs=1, batch_size=8, verbose=0)
    loss = history.history["loss"][0]
    assert np.isfinite(loss) and loss > 0, loss


def test_fits_on_a_file_and_datasets(vocabulary, tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("\n\n".join(TRAIN[:20]), encoding="utf-8")
    dataset = tf.data.Dataset.from_tensor_slices(TRAIN[:20])
    forms = {
        "file": (str(path), {"batch_size": 20}),
        "batched_dataset": (dataset.batch(20), {}),
    }
    model = make_model(vocabulary)
    model.compile()
    for name, (data, kwargs) in forms.items():
        history = model.fit(data, epochs=1, verbose=0, **kwargs)
        assert np.isfinite(history.history["loss"][0]), name


def test_masked_token_loss_matches_numpy(trained):
    model, _, _ = trained
    batches = frozen_batches(model, TRAIN[:8], batch_size=8)
    logs = model.evaluate(batches, verbose=0, return_dict=True)
    batch = {k: v.numpy() for k, v in next(iter(batches)).items()}
    sequence = model.encoder.backbone(batch["masked_token_ids"])
    logits = keras.ops.convert_to_numpy(
        model.head(sequence, mask_positions=batch["mask_positions"])
    ).astype("float64")
    weights, targets = batch["mask_weights"], batch["mask_ids"]
    # BERT: mean negative log-likelihood over the selected positions only.
    log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    picked = np.take_along_axis(log_probs, targets[..., None], -1)[..., 0]
    expected = -(picked * weights).sum() / weights.sum()
    np.testing.assert_allclose(logs["loss"], expected, rtol=1e-4)
    correct = (logits.argmax(-1) == targets) * weights
    np.testing.assert_allclose(
        logs["masked_token_accuracy"], correct.sum() / weights.sum(), rtol=1e-5
    )


def test_masked_token_loss_closed_forms():
    vocabulary_size = 7
    targets = np.array([[1, 2, 0]])
    uniform = np.zeros((1, 3, vocabulary_size), "float32")
    weights = np.array([[1.0, 1.0, 0.0]], "float32")
    loss = masked_token_loss(targets, uniform, weights)
    np.testing.assert_allclose(float(loss), np.log(vocabulary_size), rtol=1e-6)
    # Unused slots do not count, whatever their logits.
    confident = uniform.copy()
    confident[0, 2, 5] = 50.0
    np.testing.assert_allclose(
        float(masked_token_loss(targets, confident, weights)), np.log(7), rtol=1e-6
    )
    # No selection at all: zero, not NaN.
    assert float(masked_token_loss(targets, uniform, np.zeros_like(weights))) == 0.0


def test_trained_model_beats_unigram_baseline_on_held_out_text(trained, vocabulary):
    model, _, _ = trained
    held_out = frozen_batches(model, HELD_OUT * 8, batch_size=64)
    accuracy = model.evaluate(held_out, verbose=0, return_dict=True)[
        "masked_token_accuracy"
    ]
    # Unigram baseline: always predict the most frequent training token.
    counts = np.bincount(model.encoder.tokenize(TRAIN).ravel(), minlength=len(vocabulary))
    counts[:5] = 0  # Special tokens are never targets.
    targets = np.concatenate(
        [b["mask_ids"][b["mask_weights"] == 1] for b in held_out.as_numpy_iterator()]
    )
    baseline = np.mean(targets == counts.argmax())
    assert len(targets) > 200
    assert accuracy > baseline + 0.1, (accuracy, baseline)


def test_save_and_load_tokenize_and_predict_identically(trained, vocabulary, tmp_path):
    model, _, _ = trained
    path = str(tmp_path / "masked_lm.keras")
    model.save(path)
    restored = keras.saving.load_model(path)
    assert type(restored) is keras_ssl.MaskedLM
    assert restored.tokenizer.get_vocabulary() == vocabulary
    new_texts = ["the miller sings at the market .", "a horse reads wine"]
    np.testing.assert_array_equal(
        restored.encoder.tokenize(new_texts), model.encoder.tokenize(new_texts)
    )
    vectors = model.encoder.predict(new_texts, verbose=0)
    assert vectors.shape == (2, 32)
    np.testing.assert_allclose(
        restored.encoder.predict(new_texts, verbose=0), vectors, atol=1e-6
    )
    # The masked-LM head (tied to the embedding) and the optimizer state are
    # restored too: the same loss on the same masks.
    assert restored.optimizer.iterations.numpy() == model.optimizer.iterations.numpy()
    batches = frozen_batches(model, TRAIN[:16], batch_size=16)
    np.testing.assert_allclose(
        restored.evaluate(batches, verbose=0),
        model.evaluate(batches, verbose=0),
        rtol=1e-6,
    )


def test_serialization(vocabulary):
    model = make_model(vocabulary, mask_token_rate=0.7, random_token_rate=0.2)
    revived = run_serialization_test(model)
    assert (revived.mask_token_rate, revived.random_token_rate) == (0.7, 0.2)


def test_predict_gives_the_encoder_vectors(trained):
    model, _, _ = trained
    vectors = model.predict(HELD_OUT, batch_size=5, verbose=0)
    np.testing.assert_allclose(
        vectors, model.encoder.predict(HELD_OUT, verbose=0), atol=1e-6
    )
    token_ids = model.encoder.tokenize(HELD_OUT)
    np.testing.assert_allclose(model.predict(token_ids, verbose=0), vectors, atol=1e-6)


def test_preset_round_trip_keeps_vocabulary_and_scores(trained, vocabulary, tmp_path):
    model, _, _ = trained
    masked = keras_ssl.evaluation.masked_lm_arrays(model, HELD_OUT * 4)
    assert masked["masked_token_ids"].shape == (len(HELD_OUT) * 4, 16)
    unigram = 7
    scores = keras_ssl.evaluation.masked_lm_metrics(model, masked, unigram_token=unigram)
    targets = masked["mask_ids"][masked["mask_weights"] == 1]
    assert scores["masked_tokens"] == len(targets) > 50
    assert scores["unigram_accuracy"] == round(float(np.mean(targets == unigram)), 4)
    directory = str(tmp_path / "tiny_mlm")
    keras_ssl.presets.save_preset(
        model,
        directory,
        {
            "data": "made-up sentences", "split": "train", "epochs": 5,
            "batch_size": 32, "seed": 0, "headline_metric": "masked_token_accuracy",
            "metrics": {"masked_token_accuracy": scores["masked_token_accuracy"]},
        },
        extra_files={"heldout.txt": "\n".join(HELD_OUT), "raw.bin": b"\x00\x01"},
    )
    assert sorted(os.listdir(directory)) == [
        "README.md", "assets", "config.json", "heldout.txt", "metadata.json",
        "model.weights.h5", "raw.bin",
    ]
    with open(os.path.join(directory, "raw.bin"), "rb") as file:
        assert file.read() == b"\x00\x01"
    restored = keras_ssl.MaskedLM.from_preset(directory)
    assert restored.tokenizer.get_vocabulary() == vocabulary
    new_texts = ["the miller sings at the market .", "a horse reads wine"]
    np.testing.assert_allclose(
        restored.encoder.predict(new_texts, verbose=0),
        model.encoder.predict(new_texts, verbose=0),
        atol=1e-6,
    )
    again = keras_ssl.evaluation.masked_lm_metrics(restored, masked, unigram_token=unigram)
    assert again == scores
    encoder = keras_ssl.encoders.TextTransformer.from_preset(directory)
    np.testing.assert_array_equal(encoder.tokenize(new_texts), model.encoder.tokenize(new_texts))


def test_preset_extra_files_may_not_replace_preset_files(trained, tmp_path):
    model, _, _ = trained
    with pytest.raises(ValueError, match="extra_files may not be named 'config.json'"):
        keras_ssl.presets.save_preset(
            model, str(tmp_path / "p"), {}, extra_files={"config.json": "{}"}
        )
    with pytest.raises(ValueError, match="lack"):
        keras_ssl.evaluation.masked_lm_metrics(model, {"token_ids": np.zeros((1, 16))})
