"""keras_ssl.datasets.fashion_mnist: the official files, found where users
keep them, downloaded as Keras does, and refused when damaged."""

import functools
import gzip
import http.server
import os
import shutil
import threading

import numpy as np
import pytest

import keras_ssl
from keras_ssl.datasets import fashion_mnist_data
from keras_ssl.datasets.fashion_mnist_data import FILES
from keras_ssl.datasets.fashion_mnist_data import FashionMNISTFileError

DEBIAN = fashion_mnist_data.DEBIAN_DIRECTORY
needs_real_files = pytest.mark.skipif(
    not keras_ssl.datasets.fashion_mnist_available(),
    reason="Fashion-MNIST's files are not here: `apt-get install dataset-fashion-mnist`, "
    "or put them in Keras's cache (~/.keras/datasets/fashion-mnist)",
)


@pytest.fixture
def empty_keras_home(tmp_path, monkeypatch):
    """Keras's cache in a fresh folder, and no Debian files."""
    home = tmp_path / "keras_home"
    monkeypatch.setattr(fashion_mnist_data, "keras_home", lambda: str(home))
    monkeypatch.setattr(fashion_mnist_data, "DEBIAN_DIRECTORY", str(tmp_path / "no_debian"))
    return home


def find_real_folder():
    for folder in fashion_mnist_data._candidate_folders(None):
        if all(os.path.isfile(os.path.join(folder, f)) for f in FILES["train"] + FILES["test"]):
            return folder
    return None


REAL_FOLDER = find_real_folder()


def real_folder():
    return REAL_FOLDER


@needs_real_files
def test_official_split_shapes_labels_and_the_readme_first_items():
    x_train, y_train = keras_ssl.datasets.fashion_mnist("train")
    x_test, y_test = keras_ssl.datasets.fashion_mnist("test")
    assert x_train.shape == (60000, 28, 28, 1) and x_train.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28, 1) and y_test.dtype == np.int64
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    # The first training item is an ankle boot, the first test item too.
    assert keras_ssl.datasets.fashion_mnist_classes()[y_train[0]] == "Ankle boot"
    assert y_test[0] == 9
    assert 0 < x_train.mean() < 255 and x_train.max() == 255


@needs_real_files
def test_validation_is_the_last_5000_training_images():
    x_train, y_train = keras_ssl.datasets.fashion_mnist("train")
    x_val, y_val = keras_ssl.datasets.fashion_mnist("validation")
    x_rest, y_rest = keras_ssl.datasets.fashion_mnist("train_without_validation")
    assert len(x_val) == 5000 and len(x_rest) == 55000
    np.testing.assert_array_equal(np.concatenate([x_rest, x_val]), x_train)
    np.testing.assert_array_equal(np.concatenate([y_rest, y_val]), y_train)


@needs_real_files
def test_callers_get_copies_of_the_cached_arrays():
    images, _ = keras_ssl.datasets.fashion_mnist("test")
    images[0] = 0
    again, _ = keras_ssl.datasets.fashion_mnist("test")
    assert again[0].any()


@needs_real_files
def test_a_path_folder_is_read_first(tmp_path):
    for name in FILES["test"]:
        shutil.copy(os.path.join(real_folder(), name), tmp_path / name)
    images, labels = keras_ssl.datasets.fashion_mnist("test", path=str(tmp_path))
    assert images.shape == (10000, 28, 28, 1)
    with pytest.raises(FashionMNISTFileError, match="does not hold train-images"):
        keras_ssl.datasets.fashion_mnist("train", path=str(tmp_path))


@needs_real_files
def test_a_truncated_file_is_a_clear_error(tmp_path):
    source = os.path.join(real_folder(), FILES["test"][0])
    with open(source, "rb") as stream:
        head = stream.read(100_000)
    (tmp_path / FILES["test"][0]).write_bytes(head)
    shutil.copy(os.path.join(real_folder(), FILES["test"][1]), tmp_path / FILES["test"][1])
    with pytest.raises(FashionMNISTFileError, match="truncated or not a gzip file"):
        keras_ssl.datasets.fashion_mnist("test", path=str(tmp_path))


def test_a_file_that_is_not_the_official_one_is_named(tmp_path):
    # A well-formed IDX file of the wrong contents (e.g. MNIST's, or a
    # shortened copy) is refused by its sha256, never returned short.
    header = np.array([2051, 3, 28, 28], ">u4").tobytes()
    for name in FILES["test"]:
        with gzip.open(tmp_path / name, "wb") as stream:
            stream.write(header + bytes(3 * 28 * 28))
    with pytest.raises(FashionMNISTFileError, match="not the official Fashion-MNIST t10k-images"):
        keras_ssl.datasets.fashion_mnist("test", path=str(tmp_path))


def test_no_files_and_no_network_names_the_three_ways(empty_keras_home):
    with pytest.raises(FashionMNISTFileError) as error:
        # Port 9 (discard) on localhost: refused at once, no real network.
        keras_ssl.datasets.fashion_mnist("test", origin="http://127.0.0.1:9/")
    message = str(error.value)
    assert "download from http://127.0.0.1:9/ failed" in message
    for way in ("apt-get install dataset-fashion-mnist", str(empty_keras_home), "path="):
        assert way in message
    with pytest.raises(FashionMNISTFileError, match="download=False"):
        keras_ssl.datasets.fashion_mnist("test", download=False)
    assert not keras_ssl.datasets.fashion_mnist_available()


def test_unknown_split():
    with pytest.raises(ValueError, match="'valid'.*validation"):
        keras_ssl.datasets.fashion_mnist("valid")


@needs_real_files
def test_downloads_into_keras_cache_like_keras(empty_keras_home):
    source = real_folder()
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=source
    )
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        origin = f"http://127.0.0.1:{server.server_address[1]}/"
        images, labels = keras_ssl.datasets.fashion_mnist("test", origin=origin)
    finally:
        server.shutdown()
    assert images.shape == (10000, 28, 28, 1) and labels[0] == 9
    cached = empty_keras_home / "datasets" / "fashion-mnist"
    assert sorted(os.listdir(cached)) == sorted(FILES["test"])
    # Found in the cache now: no server needed.
    again, _ = keras_ssl.datasets.fashion_mnist("test", origin="http://127.0.0.1:9/")
    np.testing.assert_array_equal(again, images)
