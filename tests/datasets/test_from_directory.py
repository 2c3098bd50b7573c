import numpy as np
import pytest

import keras_ssl
from test_case import tiny_conv_net


@pytest.fixture(scope="module")
def photo_folder(tmp_path_factory):
    """Two class subfolders of real JPEG photos of different sizes: random
    crops of scikit-learn's sample photos (china.jpg, flower.jpg)."""
    from PIL import Image
    from sklearn.datasets import load_sample_images

    root = tmp_path_factory.mktemp("photos")
    rng = np.random.default_rng(0)
    for label, photo in zip(("china", "flower"), load_sample_images().images):
        (root / label).mkdir()
        for index in range(6):
            height, width = rng.integers(40, 120, size=2)
            top = rng.integers(0, photo.shape[0] - height)
            left = rng.integers(0, photo.shape[1] - width)
            crop = photo[top:top + height, left:left + width]
            Image.fromarray(crop).save(root / label / f"{index}.jpg")
    return root


def test_reads_unlabeled_photos_as_0_255_float32(photo_folder):
    dataset = keras_ssl.datasets.from_directory(photo_folder, image_size=(32, 32), batch_size=8)
    images = np.concatenate(list(dataset.as_numpy_iterator()))
    assert images.shape == (12, 32, 32, 3) and images.dtype == np.float32
    assert images.max() > 1.0 and images.min() >= 0.0 and images.max() <= 255.0


def test_inferred_labels_train_an_image_classifier(photo_folder):
    dataset = keras_ssl.datasets.from_directory(
        photo_folder, image_size=(32, 32), labels="inferred", batch_size=4, seed=0
    )
    labels = np.concatenate([y for _, y in dataset.as_numpy_iterator()])
    assert sorted(labels.tolist()) == [0] * 6 + [1] * 6
    model = keras_ssl.ImageClassifier(encoder=tiny_conv_net((32, 32, 3)), num_classes=2)
    model.compile()
    history = model.fit(dataset, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    with pytest.raises(ValueError, match="without labels"):
        model.fit(keras_ssl.datasets.from_directory(photo_folder, image_size=(32, 32)))


@pytest.mark.parametrize("method", ["SimCLR", "BYOL"])
def test_ssl_methods_fit_on_the_folder(photo_folder, method):
    dataset = keras_ssl.datasets.from_directory(photo_folder, image_size=(32, 32), batch_size=6)
    model = getattr(keras_ssl, method)(encoder=tiny_conv_net((32, 32, 3)), seed=0)
    model.compile()
    loss = model.fit(dataset, epochs=1, verbose=0).history["loss"][0]
    assert np.isfinite(loss) and loss > 0


def test_bad_folders_raise_errors_naming_the_path(tmp_path, photo_folder):
    missing = tmp_path / "missing"
    with pytest.raises(ValueError, match=f"{missing}.*does not exist"):
        keras_ssl.datasets.from_directory(missing, image_size=(32, 32))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match=f"{empty}.*is empty"):
        keras_ssl.datasets.from_directory(empty, image_size=(32, 32))
    notes = tmp_path / "notes"
    (notes / "class_a").mkdir(parents=True)
    (notes / "class_a" / "readme.txt").write_text("not an image")
    with pytest.raises(ValueError, match=f"{notes}.*holds no images"):
        keras_ssl.datasets.from_directory(notes, image_size=(32, 32))
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "a.jpg").write_bytes((photo_folder / "china" / "0.jpg").read_bytes())
    with pytest.raises(ValueError, match=f"{flat}.*no subfolder"):
        keras_ssl.datasets.from_directory(flat, image_size=(32, 32), labels="inferred")
    with pytest.raises(ValueError, match="labels must be None or 'inferred'"):
        keras_ssl.datasets.from_directory(flat, image_size=(32, 32), labels="int")
