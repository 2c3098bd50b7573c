import keras
import numpy as np
import pytest

import keras_ssl
from test_case import tiny_conv_net

tf = pytest.importorskip("tensorflow")


@pytest.fixture
def model():
    return keras_ssl.ConvAutoencoder(encoder=tiny_conv_net(), seed=0)


# Each bad input, and words its error message must contain.
BAD_ARRAYS = {
    "wrong_rank": (np.zeros((4, 28), "float32"), "rank 2"),
    "rank_5": (np.zeros((2, 1, 28, 28, 1), "float32"), "rank 5"),
    "channels": (np.zeros((4, 28, 28, 3), "uint8"), "3 channel"),
    "size": (np.zeros((4, 32, 32, 1), "uint8"), "height 32"),
    "nan": (np.full((4, 28, 28, 1), np.nan, "float32"), "NaN"),
    "inf": (np.full((4, 28, 28, 1), np.inf, "float32"), "infinite"),
    "unit_range_float": (np.full((4, 28, 28, 1), 0.5), r"look scaled\s+to \[0, 1\]"),
    "negative_float": (np.full((4, 28, 28, 1), -1.0), "0-255"),
    "over_255_float": (np.full((4, 28, 28, 1), 300.0), "0-255"),
    "empty": (np.zeros((0, 28, 28, 1), "uint8"), "empty"),
    "strings": (np.array(["a.png", "b.png"]), "strings"),
}


@pytest.mark.parametrize("case", sorted(BAD_ARRAYS))
def test_bad_arrays_raise_clear_errors(model, case):
    data, message = BAD_ARRAYS[case]
    model.compile()
    with pytest.raises(ValueError, match=message):
        model.fit(data, epochs=1, verbose=0)


def test_errors_name_the_fix(model):
    model.compile()
    with pytest.raises(ValueError, match=r"reshape\(-1, 28, 28, 1\)"):
        model.fit(np.zeros((4, 784), "uint8"), verbose=0)
    with pytest.raises(ValueError, match=r"x \* 255"):
        model.fit(np.full((4, 28, 28, 1), 0.5), verbose=0)
    with pytest.raises(ValueError, match="normalization"):
        model.fit(np.full((4, 28, 28, 1), -0.5), verbose=0)


def test_float_pixels_in_0_255_and_all_zero_images_are_accepted(model):
    model.compile()
    for images in (np.full((4, 28, 28, 1), 255.0), np.zeros((4, 28, 28, 1), "float32")):
        history = model.fit(images, batch_size=4, verbose=0)
        assert np.isfinite(history.history["loss"][0])


def test_unit_range_dataset_batches_are_refused(model):
    model.compile()
    dataset = tf.data.Dataset.from_tensor_slices(np.full((4, 28, 28, 1), 0.25, "float32"))
    with pytest.raises(ValueError, match=r"look scaled\s+to \[0, 1\]"):
        model.fit(dataset.batch(2), verbose=0)


def test_bad_datasets_raise_clear_errors(model):
    model.compile()
    unbatched = tf.data.Dataset.from_tensor_slices(np.zeros((4, 28, 28, 1), "uint8"))
    with pytest.raises(ValueError, match=r"batch\(256\)"):
        model.fit(unbatched, verbose=0)
    empty = tf.data.Dataset.from_tensor_slices(np.zeros((0, 28, 28, 1), "uint8")).batch(2)
    with pytest.raises(ValueError, match="empty"):
        model.fit(empty, verbose=0)
    filtered = (
        tf.data.Dataset.from_tensor_slices(np.zeros((4, 28, 28, 1), "uint8"))
        .filter(lambda x: False)
        .batch(2)
    )
    with pytest.raises(ValueError, match="empty"):
        model.fit(filtered, verbose=0)
    strings = tf.data.Dataset.from_tensor_slices(["a", "b"]).batch(2)
    with pytest.raises(ValueError, match="strings"):
        model.fit(strings, verbose=0)
    nan = tf.data.Dataset.from_tensor_slices(
        {"image": np.full((4, 28, 28, 1), np.nan, "float32")}
    ).batch(2)
    with pytest.raises(ValueError, match="NaN"):
        model.fit(nan, verbose=0)
    rgb = tf.data.Dataset.from_tensor_slices(np.zeros((4, 28, 28, 3), "uint8")).batch(2)
    with pytest.raises(ValueError, match="3 channel"):
        model.fit(rgb, verbose=0)


def test_empty_pydataset_raises(model):
    class Empty(keras.utils.PyDataset):
        def __len__(self):
            return 0

        def __getitem__(self, index):
            raise IndexError(index)

    model.compile()
    with pytest.raises(ValueError, match="empty"):
        model.fit(Empty(), verbose=0)


def test_predict_and_evaluate_check_inputs_too(model):
    model.compile()
    with pytest.raises(ValueError, match="NaN"):
        model.predict(np.full((2, 28, 28, 1), np.nan, "float32"), verbose=0)
    with pytest.raises(ValueError, match="3 channel"):
        model.evaluate(np.zeros((2, 28, 28, 3), "uint8"), verbose=0)
