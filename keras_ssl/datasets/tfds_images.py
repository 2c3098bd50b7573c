"""Unlabeled image batches from a TensorFlow Datasets (tfds) data set."""

from keras_ssl.data.image_batch import IMAGE_KEY


def from_tfds(
    name,
    split="train",
    batch_size=256,
    shuffle_buffer=10_000,
    image_key=IMAGE_KEY,
    data_dir=None,
    download=True,
    seed=None,
):
    """Load a tfds image data set as a `tf.data.Dataset` of image batches.

    Labels are dropped: the result feeds `fit` of any image method directly.
    Images keep their dtype (uint8 stays uint8; the model scales it).

    Args:
        name: tfds name, e.g. `"mnist"` or `"cifar10"`.
        split: tfds split string, e.g. `"train"` or `"train[:10%]"`.
        batch_size: images per batch.
        shuffle_buffer: shuffle buffer size; 0 or None to keep the order.
        image_key: feature holding the images.
        data_dir: where tfds keeps its data (tfds's default if None).
        download: let tfds download and prepare the data if missing.
        seed: shuffle seed.

    Returns:
        A batched, prefetched `tf.data.Dataset` of image tensors.

    Example:
    >>> images = keras_ssl.datasets.from_tfds("mnist", split="train")
    >>> model.fit(images, epochs=10)
    """
    import tensorflow as tf
    import tensorflow_datasets as tfds

    dataset = tfds.load(
        name, split=split, data_dir=data_dir, download=download
    )
    if image_key not in dataset.element_spec:
        raise ValueError(
            f"tfds dataset {name!r} has no feature {image_key!r}; its "
            f"features are {sorted(dataset.element_spec)}. Pass image_key=."
        )
    dataset = dataset.map(
        lambda example: example[image_key],
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    if shuffle_buffer:
        dataset = dataset.shuffle(shuffle_buffer, seed=seed)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)
