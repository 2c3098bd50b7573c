import importlib

import pytest

import keras_ssl


def test_the_public_loaders_are_functions():
    for name in ("from_tfds", "mnist5k", "per_class_subset", "shakespeare"):
        assert callable(getattr(keras_ssl.datasets, name)), name
        assert name in keras_ssl.datasets.__all__


@pytest.mark.parametrize("old", ["mnist5k", "tfds_images", "text_corpus"])
def test_loaders_left_keras_ssl_data(old):
    with pytest.raises(ImportError):
        importlib.import_module(f"keras_ssl.data.{old}")
