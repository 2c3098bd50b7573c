"""Shared test helpers: each model test is a few one-line calls to these."""

import functools

import keras
import numpy as np

import keras_ssl


@functools.lru_cache(maxsize=None)
def _mnist5k(split):
    return keras_ssl.datasets.mnist5k(split)


def mnist5k_subset(split, size=None, per_class=None, seed=0):
    """`(images, labels)` from mnist5k: the first `size`, or `per_class` each."""
    images, labels = _mnist5k(split)
    if per_class is not None:
        index = keras_ssl.datasets.per_class_subset(labels, per_class, seed=seed)
        return images[index], labels[index]
    return images[:size], labels[:size]


def tiny_conv_net(input_shape=(28, 28, 1)):
    """A ConvNet small enough for fast shape and round-trip tests."""
    return keras_ssl.encoders.ConvNet(
        input_shape=input_shape, stage_filters=((8,), (16,))
    )


def random_images(count, shape=(28, 28, 1), dtype="float32", seed=0):
    """Random images in [0, 1] (float) or 0-255 (uint8)."""
    rng = np.random.default_rng(seed)
    if dtype == "uint8":
        return rng.integers(0, 256, (count,) + shape, dtype="uint8")
    return rng.random((count,) + shape).astype(dtype)


def run_serialization_test(instance):
    """`get_config` -> `from_config` gives the same config, and a
    `keras.saving.serialize_keras_object` round trip restores the class."""
    config = instance.get_config()
    clone = type(instance).from_config(config)
    assert clone.get_config() == config
    revived = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(instance)
    )
    assert type(revived) is type(instance)
    assert revived.get_config() == config
    return revived


def run_model_saving_test(model, inputs, path):
    """Save to `.keras` and reload without custom_objects: same class, same
    outputs on `inputs`, same weights. Returns the reloaded model."""
    expected = keras.ops.convert_to_numpy(model(inputs, training=False))
    model.save(path)
    restored = keras.saving.load_model(path)
    assert type(restored) is type(model)
    actual = keras.ops.convert_to_numpy(restored(inputs, training=False))
    np.testing.assert_allclose(actual, expected, atol=1e-6)
    assert len(restored.weights) == len(model.weights)
    for original, loaded in zip(model.weights, restored.weights):
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(original.value),
            keras.ops.convert_to_numpy(loaded.value),
        )
    return restored


def run_fit_test(model, data, epochs=1, batch_size=32, **compile_kwargs):
    """Compile with defaults, fit; the loss is finite and non-zero (JAX trains
    silently on a zero loss if a method forgets to return one)."""
    model.compile(**compile_kwargs)
    history = model.fit(data, epochs=epochs, batch_size=batch_size, verbose=0)
    losses = np.asarray(history.history["loss"])
    assert np.all(np.isfinite(losses)), losses
    assert np.all(losses > 0), losses
    return history


def logistic_probe_accuracy(encoder, train, test):
    """Accuracy of scikit-learn logistic regression on frozen features."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    def features(images):
        images = np.asarray(images, "float32") / 255.0
        return encoder.predict(images, batch_size=256, verbose=0)

    scaler = StandardScaler().fit(features(train[0]))
    classifier = LogisticRegression(max_iter=2000)
    classifier.fit(scaler.transform(features(train[0])), train[1])
    return classifier.score(scaler.transform(features(test[0])), test[1])
