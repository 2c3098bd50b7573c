import keras
import numpy as np
import pytest

import keras_ssl
from test_case import mnist5k_subset
from test_case import random_images
from test_case import run_model_saving_test
from test_case import run_serialization_test
from test_case import tiny_conv_net

IMAGES = random_images(24, dtype="uint8")
LABELS = np.arange(24) % 3


def classifier(mode="finetune", **kwargs):
    return keras_ssl.ImageClassifier(
        encoder=tiny_conv_net(), num_classes=3, mode=mode, head_epochs=1, **kwargs
    )


def encoder_arrays(model):
    return [keras.ops.convert_to_numpy(v.value).copy() for v in model.encoder.weights]


def moving_statistics(model):
    return [
        keras.ops.convert_to_numpy(v.value).copy()
        for v in model.encoder.non_trainable_weights
        if "moving" in v.path
    ]


def changed(before, after):
    return [not np.array_equal(a, b) for a, b in zip(before, after)]


def fit(model, epochs=1):
    model.compile()
    history = model.fit(IMAGES, LABELS, epochs=epochs, batch_size=8, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    return history


def test_probe_trains_only_the_head():
    model = classifier("probe")
    before = encoder_arrays(model)
    head = keras.ops.convert_to_numpy(model.get_layer("predictions").kernel).copy()
    fit(model)
    assert not any(changed(before, encoder_arrays(model)))
    assert not np.array_equal(head, keras.ops.convert_to_numpy(model.get_layer("predictions").kernel))


def test_finetune_trains_the_encoder_with_frozen_batch_norm_statistics():
    model = classifier("finetune")
    before, statistics = encoder_arrays(model), moving_statistics(model)
    fit(model)
    assert any(changed(before, encoder_arrays(model)))
    assert statistics and not any(changed(statistics, moving_statistics(model)))


def test_train_batch_norm_updates_the_statistics():
    model = classifier("finetune", train_batch_norm=True)
    statistics = moving_statistics(model)
    fit(model)
    assert all(changed(statistics, moving_statistics(model)))


def test_two_stage_runs_both_stages():
    model = classifier("two_stage", encoder_learning_rate_factor=0.5)
    before = encoder_arrays(model)
    history = fit(model, epochs=2)
    assert history.epoch == [0, 1] and len(history.history["loss"]) == 2
    assert any(changed(before, encoder_arrays(model)))
    assert model.encoder.trainable
    # The head stage runs at two_stage's default 1e-2, the encoder at half.
    assert np.isclose(float(model.optimizer.learning_rate), 0.5e-2)
    with pytest.raises(ValueError, match="epochs > 1"):
        model.fit(IMAGES, LABELS, epochs=1, verbose=0)


def test_predict_returns_probabilities_for_uint8_and_float_pixels():
    model = classifier(augmentation=keras.layers.RandomTranslation(0.1, 0.1, seed=1))
    fit(model)
    probabilities = model.predict(IMAGES, verbose=0)
    assert probabilities.shape == (24, 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    as_float = model.predict(IMAGES.astype("float32"), verbose=0)
    np.testing.assert_allclose(as_float, probabilities, atol=1e-6)


def test_probe_standardizes_the_features_with_train_statistics():
    from keras_ssl.evaluation.features import extract_features

    model = classifier("probe")
    layer = model.get_layer("feature_standardization")
    assert not layer.adapted and model.augmentation is None
    fit(model)
    features = extract_features(model.encoder, IMAGES)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer.mean), features.mean(axis=0), atol=1e-5
    )
    std = keras.ops.convert_to_numpy(layer.std)
    expected = features.std(axis=0)
    expected = np.where(expected < 1e-6, 1.0, expected)  # constant: not scaled
    np.testing.assert_allclose(std, expected, rtol=1e-4, atol=1e-6)
    mean = keras.ops.convert_to_numpy(layer.mean).copy()
    model.fit(IMAGES[:8], LABELS[:8], epochs=1, verbose=0)  # adapts only once
    np.testing.assert_array_equal(mean, keras.ops.convert_to_numpy(layer.mean))
    assert np.isclose(float(model.optimizer.learning_rate), 1e-2)


def test_augmentation_names_and_unstandardized_head():
    assert classifier("finetune").augmentation.name == "light_augmentation"
    assert classifier("probe", augmentation="light").augmentation is not None
    assert classifier("finetune", augmentation="none").augmentation is None
    with pytest.raises(ValueError, match="augmentation must be"):
        classifier(augmentation="heavy")
    plain = classifier("probe", standardize_features=False)
    fit(plain)
    with pytest.raises(ValueError, match="standardize_features=False"):
        plain.adapt(IMAGES)


def test_keras_round_trip(tmp_path):
    model = classifier(
        "two_stage", dropout=0.1, augmentation=keras.layers.RandomFlip(seed=1)
    )
    fit(model, epochs=2)
    run_serialization_test(model)
    restored = run_model_saving_test(model, IMAGES[:4], str(tmp_path / "clf.keras"))
    assert restored.mode == "two_stage" and restored.optimizer is not None
    assert restored.get_layer("feature_standardization").adapted
    restored.fit(IMAGES, LABELS, epochs=2, batch_size=8, verbose=0)


def test_from_preset_builds_on_a_shipped_encoder():
    name = next(
        p["name"] for p in keras_ssl.list_presets() if p["name"].endswith("mnist5k")
    )
    model = keras_ssl.ImageClassifier.from_preset(name, num_classes=10, mode="probe")
    assert not model.encoder.trainable
    x, y = mnist5k_subset("train", size=32)
    model.compile()
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert model.predict(x[:2], verbose=0).shape == (2, 10)


@pytest.mark.parametrize(
    "labels, message",
    [
        (LABELS + 3, "outside 0..2 for num_classes=3"),
        (np.eye(3)[LABELS], "one-hot"),
        (LABELS + 0.5, "fractional"),
        (LABELS[:10], "24 inputs but 10 labels"),
        (LABELS.astype(str), "integer class ids"),
    ],
)
def test_bad_labels_raise_clear_errors(labels, message):
    model = classifier()
    model.compile()
    with pytest.raises(ValueError, match=message):
        model.fit(IMAGES, labels, verbose=0)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="mode must be one of"):
        classifier("linear")
    with pytest.raises(ValueError, match="num_classes must be an int >= 2"):
        keras_ssl.ImageClassifier(encoder=tiny_conv_net(), num_classes=1)


@pytest.mark.large
def test_fine_tuning_a_preset_beats_its_probe_at_10_labels_per_class():
    train = mnist5k_subset("train", per_class=10)
    test = mnist5k_subset("test")
    accuracy = {}
    for mode in ("probe", "finetune", "two_stage"):
        keras.utils.set_random_seed(0)
        model = keras_ssl.ImageClassifier.from_preset(
            "simclr_convnet_mnist5k", num_classes=10, mode=mode
        )
        model.compile()
        model.fit(*train, epochs=50, batch_size=12, verbose=0)
        accuracy[mode] = model.evaluate(*test, verbose=0, return_dict=True)["accuracy"]
    print(accuracy)
    assert accuracy["finetune"] > accuracy["probe"]
    assert accuracy["two_stage"] > accuracy["probe"]
