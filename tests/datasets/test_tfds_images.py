import numpy as np
import pytest

import keras_ssl
from test_case import tiny_conv_net

tfds = pytest.importorskip("tensorflow_datasets")


def test_from_tfds_yields_image_batches_and_trains():
    with tfds.testing.mock_data(num_examples=20):
        dataset = keras_ssl.datasets.from_tfds("mnist", split="train", batch_size=8)
        batch = next(iter(dataset))
        assert tuple(batch.shape) == (8, 28, 28, 1)
        assert batch.dtype.name == "uint8"
        assert sum(int(b.shape[0]) for b in dataset) == 20
        model = keras_ssl.ConvAutoencoder(encoder=tiny_conv_net(), seed=0)
        model.compile()
        history = model.fit(dataset, epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"][0])


def test_from_tfds_unknown_image_key():
    with tfds.testing.mock_data(num_examples=4):
        with pytest.raises(ValueError, match="'pixels'"):
            keras_ssl.datasets.from_tfds("mnist", image_key="pixels")
