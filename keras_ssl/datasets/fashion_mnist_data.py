"""Fashion-MNIST (Xiao et al. 2017): the official 60,000 / 10,000 split.

The four IDX files are looked for where users already have them: a `path=`
folder, Keras's own cache (where `keras.datasets.fashion_mnist` keeps them)
and Debian's `dataset-fashion-mnist` package; only when none has them are
they downloaded, the way Keras does. Every file is checked against the
sha256 of the official contents, so a truncated or altered file is an
error, never a short array.
"""

import functools
import gzip
import hashlib
import os
import zlib

import numpy as np

from keras_ssl.keras_compat import keras_home

#: Keras's folder for the files, under `keras_home()` (as
#: `keras.datasets.fashion_mnist.load_data` uses).
KERAS_CACHE_SUBDIR = os.path.join("datasets", "fashion-mnist")

#: Where `apt-get install dataset-fashion-mnist` puts the files.
DEBIAN_DIRECTORY = "/usr/share/datasets/fashion-mnist"

#: Where `keras.datasets.fashion_mnist` downloads them from.
KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

#: (images file, labels file) of each official split.
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}

#: sha256 of each file's decompressed contents (the IDX bytes). The gzip
#: wrappers differ between mirrors (Debian recompressed them), the contents
#: do not.
CONTENT_SHA256 = {
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}

#: The ten classes, in label order (the data set's README).
CLASS_NAMES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)

#: Training images held out to choose recipes on: the last 5,000.
VALIDATION_SIZE = 5000

SPLITS = ("train", "test", "validation", "train_without_validation")

HOW_TO_GET = (
    "Provide the four Fashion-MNIST files (train-images-idx3-ubyte.gz, "
    "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
    "t10k-labels-idx1-ubyte.gz) in one of three ways: (1) `apt-get install "
    f"dataset-fashion-mnist` (Debian/Ubuntu; installs them in {DEBIAN_DIRECTORY}); "
    "(2) put them in Keras's cache, {cache} (keras.datasets.fashion_mnist."
    "load_data() does so when it has a network); (3) pass "
    "path='folder/with/the/files'."
)


class FashionMNISTFileError(ValueError):
    """A Fashion-MNIST file is missing, truncated or not the official one."""


def fashion_mnist(split="train", path=None, origin=KERAS_ORIGIN, download=True):
    """Load Fashion-MNIST's official images and labels.

    Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, https://arxiv.org/abs/1708.07747):
    70,000 28x28 grayscale photos of 10 clothing classes (`CLASS_NAMES`),
    split 60,000 train / 10,000 test. The files are looked for, in order, in
    `path`, Keras's cache (`$KERAS_HOME/datasets/fashion-mnist`, where
    `keras.datasets.fashion_mnist` keeps them) and Debian's
    `/usr/share/datasets/fashion-mnist` (`apt-get install
    dataset-fashion-mnist`). When none has them and `download` is True, they
    are fetched from `origin` into Keras's cache with `keras.utils.get_file`,
    as Keras does; without a network that fails with an error naming the
    three ways to provide them.

    keras_ssl's benchmark chooses recipes on `"validation"` (the last 5,000
    training images) and reports on `"test"`, which nothing is tuned on.

    Args:
        split: `"train"` (60,000), `"test"` (10,000), `"validation"` (the
            last 5,000 training images) or `"train_without_validation"`
            (the first 55,000).
        path: str or None. A folder holding the four `.gz` files, looked in
            first; given and missing a file, it is an error (no fallback).
        origin: str. Base URL to download the files from.
        download: bool. Download when no folder has the files.

    Returns:
        `(images, labels)`: uint8 array `(N, 28, 28, 1)`, pixels 0-255, and
        int64 array `(N,)` of class ids 0-9.

    Raises:
        FashionMNISTFileError: a file is missing, truncated, corrupt or not
            the official one; the message says which and how to fix it.

    Example:
    ```python
    x_train, y_train = keras_ssl.datasets.fashion_mnist("train")
    x_train.shape  # (60000, 28, 28, 1)
    keras_ssl.datasets.fashion_mnist_classes()[y_train[0]]  # 'Ankle boot'
    ```
    """
    if split not in SPLITS:
        raise ValueError(f"Unknown Fashion-MNIST split {split!r}; choose one of {SPLITS}.")
    official = "test" if split == "test" else "train"
    images_file, labels_file = FILES[official]
    folder = _folder_with(images_file, labels_file, path, origin, download)
    images, labels = _parsed(
        os.path.join(folder, images_file), os.path.join(folder, labels_file)
    )
    if split == "validation":
        images, labels = images[-VALIDATION_SIZE:], labels[-VALIDATION_SIZE:]
    elif split == "train_without_validation":
        images, labels = images[:-VALIDATION_SIZE], labels[:-VALIDATION_SIZE]
    return images.copy(), labels.copy()  # the caller's to change


def fashion_mnist_classes():
    """The ten class names of Fashion-MNIST, indexed by label."""
    return CLASS_NAMES


def fashion_mnist_available(path=None):
    """True when the files are in `path`, Keras's cache or Debian's folder
    (no download is tried): the check tests use to skip."""
    needed = [name for pair in FILES.values() for name in pair]
    return any(
        all(os.path.isfile(os.path.join(folder, name)) for name in needed)
        for folder in _candidate_folders(path)
    )


def _candidate_folders(path):
    if path is not None:
        return [os.fspath(path)]
    return [os.path.join(keras_home(), KERAS_CACHE_SUBDIR), DEBIAN_DIRECTORY]


def _folder_with(images_file, labels_file, path, origin, download):
    for folder in _candidate_folders(path):
        if all(os.path.isfile(os.path.join(folder, f)) for f in (images_file, labels_file)):
            return folder
    cache = os.path.join(keras_home(), KERAS_CACHE_SUBDIR)
    if path is not None:
        raise FashionMNISTFileError(
            f"path={path!r} does not hold {images_file} and {labels_file}. "
            + HOW_TO_GET.format(cache=cache)
        )
    if download:
        try:
            return _download(images_file, labels_file, origin)
        except Exception as error:  # no network, HTTP error, disk: one message
            raise FashionMNISTFileError(
                f"Fashion-MNIST is not on this machine and the download from "
                f"{origin} failed ({type(error).__name__}: {error}). "
                + HOW_TO_GET.format(cache=cache)
            ) from error
    raise FashionMNISTFileError(
        "Fashion-MNIST is not on this machine (download=False). "
        + HOW_TO_GET.format(cache=cache)
    )


def _download(images_file, labels_file, origin):
    import keras

    # get_file falls back to /tmp/.keras when the folder does not exist yet.
    os.makedirs(os.path.join(keras_home(), KERAS_CACHE_SUBDIR), exist_ok=True)
    paths = [
        keras.utils.get_file(
            name, origin=origin + name, cache_dir=keras_home(), cache_subdir=KERAS_CACHE_SUBDIR
        )
        for name in (images_file, labels_file)
    ]
    return os.path.dirname(paths[0])


def _read_verified(file_path):
    """The decompressed bytes of `file_path`, checked against the official
    contents' sha256."""
    name = os.path.basename(file_path)
    fix = (
        f"Delete it and provide the official file again (reinstall "
        f"dataset-fashion-mnist, or let keras.datasets.fashion_mnist.load_data() "
        f"download it)."
    )
    try:
        with gzip.open(file_path, "rb") as stream:
            data = stream.read()
    except (OSError, EOFError, zlib.error) as error:
        raise FashionMNISTFileError(
            f"{file_path} is truncated or not a gzip file ({error}). {fix}"
        ) from error
    digest = hashlib.sha256(data).hexdigest()
    if digest != CONTENT_SHA256[name]:
        raise FashionMNISTFileError(
            f"{file_path} is not the official Fashion-MNIST {name}: its contents "
            f"({len(data):,} bytes) have sha256 {digest}, expected "
            f"{CONTENT_SHA256[name]}. {fix}"
        )
    return data


@functools.lru_cache(maxsize=4)
def _parsed(images_path, labels_path):
    """(images, labels) of one official split, parsed once per process."""
    images = _read_verified(images_path)
    labels = _read_verified(labels_path)
    # IDX headers: big-endian magic (2051 images, 2049 labels), then sizes.
    count, rows, cols = np.frombuffer(images, ">u4", count=3, offset=4)
    pixels = np.frombuffer(images, np.uint8, offset=16).reshape(count, rows, cols, 1)
    classes = np.frombuffer(labels, np.uint8, offset=8).astype(np.int64)
    for array in (pixels, classes):
        array.flags.writeable = False  # cached: callers get copies
    return pixels, classes
