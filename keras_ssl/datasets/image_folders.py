"""Folders of image files (one subfolder per class) as `tf.data` batches."""

import os

#: The file types `keras.utils.image_dataset_from_directory` reads.
IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


def _image_files(path, top_level):
    """Image files under `path`: in it only (`top_level`), or anywhere."""
    if top_level:
        names = os.listdir(path)
        return [name for name in names if name.lower().endswith(IMAGE_EXTENSIONS)]
    found = []
    for _, _, files in os.walk(path, followlinks=True):
        found.extend(name for name in files if name.lower().endswith(IMAGE_EXTENSIONS))
    return found


def check_image_folder(path, labels):
    """Raise a ValueError naming `path` unless Keras can read images there.

    Args:
        path: str. The folder.
        labels: `"inferred"` (images in class subfolders) or None.
    """
    if not os.path.exists(path):
        raise ValueError(f"from_directory: {path!r} does not exist; pass a folder of images.")
    if not os.path.isdir(path):
        raise ValueError(f"from_directory: {path!r} is a file, not a folder of images.")
    if not os.listdir(path):
        raise ValueError(f"from_directory: the folder {path!r} is empty; put images in it.")
    if not _image_files(path, top_level=False):
        raise ValueError(
            f"from_directory: the folder {path!r} holds no images (files "
            f"ending in {', '.join(IMAGE_EXTENSIONS)})."
        )
    if labels == "inferred":
        classes = [
            name for name in sorted(os.listdir(path))
            if os.path.isdir(os.path.join(path, name))
            and _image_files(os.path.join(path, name), top_level=False)
        ]
        if not classes:
            raise ValueError(
                f"from_directory: labels='inferred' reads one subfolder per "
                f"class, but {path!r} has no subfolder with images. Put each "
                f"class's images in path/<class>/, or pass labels=None."
            )


def from_directory(
    path,
    image_size,
    labels=None,
    batch_size=32,
    color_mode="rgb",
    shuffle=True,
    seed=None,
    **kwargs,
):
    """Read a folder of photos as batches of 0-255 float32 images.

    A thin layer over `keras.utils.image_dataset_from_directory` (whose
    dataset it returns) that checks the folder first. Images are resized to
    `image_size` and keep Keras's pixel convention, float32 0-255, which
    every keras_ssl method and encoder takes unchanged.

    Args:
        path: str. The folder. With `labels="inferred"`, one subfolder per
            class (`path/cat/*.jpg`, `path/dog/*.jpg`); with None, images
            anywhere below `path`.
        image_size: `(height, width)` the images are resized to.
        labels: None (images only: the unlabeled batches SSL `fit` takes)
            or `"inferred"` (`(images, labels)` batches, int32 class ids in
            the sorted order of the subfolder names).
        batch_size: int. Images per batch.
        color_mode: `"rgb"`, `"grayscale"` or `"rgba"`.
        shuffle: bool. Shuffle the file order (each epoch).
        seed: int or None. Shuffle seed (and `validation_split`'s).
        **kwargs: passed to `keras.utils.image_dataset_from_directory`
            (e.g. `validation_split=0.2, subset="both"`, `label_mode`,
            `crop_to_aspect_ratio`).

    Returns:
        The batched `tf.data.Dataset` (or a pair with `subset="both"`).

    Raises:
        ValueError: naming `path`, if it does not exist, is empty, holds no
            image files, or (with `labels="inferred"`) has no class
            subfolder with images.

    Example:
    ```python
    photos = keras_ssl.datasets.from_directory("photos/", image_size=(32, 32))
    model = keras_ssl.SimCLR(
        encoder=keras_ssl.encoders.ConvNet(input_shape=(32, 32, 3))
    )
    model.compile()
    model.fit(photos, epochs=10)
    labeled = keras_ssl.datasets.from_directory(
        "labeled_photos/", image_size=(32, 32), labels="inferred"
    )
    ```
    """
    if labels not in (None, "inferred"):
        raise ValueError(
            f"labels must be None or 'inferred'; got {labels!r}. (For labels "
            f"from a list, call keras.utils.image_dataset_from_directory.)"
        )
    path = os.fspath(path)
    check_image_folder(path, labels)
    import keras

    return keras.utils.image_dataset_from_directory(
        path,
        labels=labels,
        image_size=tuple(image_size),
        batch_size=batch_size,
        color_mode=color_mode,
        shuffle=shuffle,
        seed=seed,
        **kwargs,
    )
