import keras
import numpy as np
import pytest

from keras_ssl.evaluation import linear_probe
from test_case import logistic_probe_accuracy
from test_case import mnist5k_subset
from test_case import random_images
from test_case import tiny_conv_net


def separable_features(count, classes=4, noise_dims=6, seed=0):
    """Class c sits at 3 * e_c (plus small noise and noise dimensions): a
    linear classifier separates the classes with a wide margin."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, count)
    features = np.concatenate(
        [3.0 * np.eye(classes)[labels], rng.normal(size=(count, noise_dims))],
        axis=1,
    )
    features[:, :classes] += 0.1 * rng.normal(size=(count, classes))
    return features.astype("float32"), labels


def test_separable_features_reach_100_percent():
    x, y = separable_features(400)
    result = linear_probe(
        None, (x[:300], y[:300]), (x[300:], y[300:]), epochs=20, batch_size=32
    )
    assert result["accuracy"] == 1.0
    assert result["top_5_accuracy"] == 1.0
    assert result["loss"] < 0.1
    assert result["epochs"] == 20


def test_shuffled_labels_stay_near_chance():
    # Permuted labels carry no information about the features: a probe that
    # cannot see the validation labels scores 1/10 +- 0.0095 (1 std).
    x, y = separable_features(2000, classes=10)
    rng = np.random.default_rng(1)
    train = (x[:1000], rng.permutation(y[:1000]))
    val = (x[1000:], rng.permutation(y[1000:]))
    result = linear_probe(None, train, val, epochs=20, batch_size=64)
    assert 0.05 < result["accuracy"] < 0.15
    # The same probe on the true labels is perfect.
    true = linear_probe(None, (x[:1000], y[:1000]), (x[1000:], y[1000:]), epochs=20, batch_size=64)
    assert true["accuracy"] == 1.0


def test_callbacks_see_val_metrics_and_early_stopping_stops():
    x, y = separable_features(400)
    seen = []
    record = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(sorted(logs))
    )
    stop = keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=2)
    result = linear_probe(
        None, (x[:300], y[:300]), (x[300:], y[300:]), epochs=50, batch_size=32,
        callbacks=[record, stop],
    )
    assert {"val_accuracy", "val_top_5_accuracy", "val_loss"} <= set(seen[0])
    # Accuracy reaches 1.0 within a few epochs and cannot improve on it.
    assert result["epochs"] == len(seen) < 50
    assert result["accuracy"] == 1.0


def test_same_seed_same_result_and_string_labels():
    x, y = separable_features(200, classes=3)
    names = np.array(["cat", "dog", "eel"])[y]
    first = linear_probe(None, (x[:150], y[:150]), (x[150:], y[150:]), epochs=3, seed=4)
    again = linear_probe(None, (x[:150], y[:150]), (x[150:], y[150:]), epochs=3, seed=4)
    named = linear_probe(None, (x[:150], names[:150]), (x[150:], names[150:]), epochs=3, seed=4)
    assert first == again == named


def test_uint8_and_float_images_give_the_same_probe():
    encoder = tiny_conv_net()
    images = random_images(40, dtype="uint8")
    labels = np.arange(40) % 2
    floats = images.astype("float32")  # the same 0-255 pixels
    from_uint8 = linear_probe(encoder, (images, labels), (images, labels), epochs=2)
    from_float = linear_probe(encoder, (floats, labels), (floats[..., 0], labels), epochs=2)
    for key in from_uint8:
        assert from_float[key] == pytest.approx(from_uint8[key], rel=1e-4)


def test_bad_inputs_raise_clear_errors():
    x, y = separable_features(20)
    with pytest.raises(ValueError, match="labels"):
        linear_probe(None, (x, y[:10]), (x, y))
    with pytest.raises(ValueError, match="2 classes"):
        linear_probe(None, (x, np.zeros(20)), (x, np.zeros(20)))
    with pytest.raises(ValueError, match="epochs"):
        linear_probe(None, (x, y), (x, y), epochs=0)
    with pytest.raises(ValueError, match="channel"):
        linear_probe(tiny_conv_net(), (random_images(4, (28, 28, 3)), y[:4]), (x, y))
    feature_map = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3)])
    with pytest.raises(ValueError, match="one vector per example"):
        linear_probe(feature_map, (random_images(4), y[:4]), (random_images(4), y[:4]))


def test_matches_logistic_regression_on_real_digits():
    # On a ConvNet's features of real digits, the Keras probe with its
    # defaults scores like scikit-learn's logistic regression (L-BFGS to
    # convergence) on the same standardized features.
    encoder = tiny_conv_net()
    train = mnist5k_subset("train", per_class=20)
    test = mnist5k_subset("test", size=300)
    result = linear_probe(encoder, train, test)
    reference = logistic_probe_accuracy(encoder, train, test)
    assert reference > 0.25  # far above chance (0.1): the features carry digits
    assert abs(result["accuracy"] - reference) < 0.05


def test_shuffled_batches_cover_every_example_in_equal_batches():
    from keras_ssl.evaluation.shuffled_batches import ShuffledBatches

    x = np.arange(10, dtype="float32")[:, None]
    batches = ShuffledBatches(x, np.arange(10), batch_size=4, seed=0)
    epochs = []
    for _ in range(2):
        seen = np.concatenate([batches[i][1] for i in range(len(batches))])
        assert len(batches) == 3 and len(seen) == 12
        assert set(seen.tolist()) == set(range(10))
        epochs.append(seen)
        batches.on_epoch_end()
    assert not np.array_equal(epochs[0], epochs[1])
