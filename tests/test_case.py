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
    """Random pixels in 0-255: uniform floats, or integers for uint8."""
    rng = np.random.default_rng(seed)
    if dtype == "uint8":
        return rng.integers(0, 256, (count,) + shape, dtype="uint8")
    return (255.0 * rng.random((count,) + shape)).astype(dtype)


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
        return encoder.predict(images, batch_size=256, verbose=0)

    scaler = StandardScaler().fit(features(train[0]))
    classifier = LogisticRegression(max_iter=2000)
    classifier.fit(scaler.transform(features(train[0])), train[1])
    return classifier.score(scaler.transform(features(test[0])), test[1])


class _ArrayPyDataset(keras.utils.PyDataset):
    """A `keras.utils.PyDataset` over an array, yielding `(x, y)` batches."""

    def __init__(self, images, batch_size):
        super().__init__()
        self.images, self.batch_size = images, batch_size

    def __len__(self):
        return -(-len(self.images) // self.batch_size)

    def __getitem__(self, index):
        batch = self.images[index * self.batch_size:(index + 1) * self.batch_size]
        return batch, np.zeros(len(batch), "int64")


def image_input_forms(images, batch_size=16):
    """Every input form an image method accepts, built from uint8 `images`
    `(N, H, W, 1)`: name -> `(x, fit_kwargs)`."""
    import tensorflow as tf

    labels = np.arange(len(images)) % 10
    floats = images.astype("float32")  # pixels 0-255 as float
    batch = {"batch_size": batch_size}
    return {
        "numpy_uint8": (images, batch),
        "numpy_float": (floats, batch),
        "numpy_rank3": (images[..., 0], batch),
        "numpy_with_labels": ((images, labels), batch),
        "numpy_tfds_dict": ({"image": images, "label": labels}, batch),
        "tf_data": (tf.data.Dataset.from_tensor_slices(floats).batch(batch_size), {}),
        "tf_data_xy": (
            tf.data.Dataset.from_tensor_slices((images, labels)).batch(batch_size),
            {},
        ),
        "tf_data_tfds_dict": (
            tf.data.Dataset.from_tensor_slices(
                {"image": images, "label": labels}
            ).batch(batch_size),
            {},
        ),
        "py_dataset": (_ArrayPyDataset(images, batch_size), {}),
    }


INPUT_FORMS = (
    "numpy_uint8", "numpy_float", "numpy_rank3", "numpy_with_labels",
    "numpy_tfds_dict", "tf_data", "tf_data_xy", "tf_data_tfds_dict", "py_dataset",
)


def run_input_forms_test(model, form, jit_compile):
    """Fit `model` on one input form from `image_input_forms`; the loss is
    finite and non-zero, and evaluate accepts the same form."""
    images = random_images(32, model.image_shape, dtype="uint8")
    data, fit_kwargs = image_input_forms(images)[form]
    if isinstance(data, tuple):
        # Keras reads a tuple as (x, y); pass it as x and y so y is ignored.
        x, y = data
    else:
        x, y = data, None
    model.compile(jit_compile=jit_compile)
    history = model.fit(x, y, epochs=1, verbose=0, **fit_kwargs)
    loss = history.history["loss"][0]
    assert np.isfinite(loss) and loss > 0
    logs = model.evaluate(x, y, verbose=0, return_dict=True, **fit_kwargs)
    assert np.isfinite(logs["loss"]) and logs["loss"] > 0
    return history
