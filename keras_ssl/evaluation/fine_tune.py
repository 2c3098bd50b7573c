"""Fine-tuning accuracy: an `ImageClassifier` on a pretrained encoder."""

import keras
import numpy as np

from keras_ssl.data.tf_datasets import is_tf_dataset
from keras_ssl.evaluation.label_codes import encode_labels
from keras_ssl.evaluation.linear_probe import evaluation_result
from keras_ssl.evaluation.shuffled_batches import ShuffledBatches
from keras_ssl.tasks import ImageClassifier
from keras_ssl.tasks.classifier import DEFAULT_LEARNING_RATES
from keras_ssl.tasks.image_classifier import resolve_augmentation

#: Epochs of fine-tuning: the issue's hand-tuned run (Adam 1e-3, 50
#: epochs, 10 labels per class) that reached 89.9% on mnist5k.
DEFAULT_EPOCHS = 50

#: Batch size of fine-tuning: what `fit` uses when a user passes none, so
#: `fine_tune` and `ImageClassifier(...).fit(x, y, epochs=50)` are one recipe.
DEFAULT_BATCH_SIZE = 32

#: Epochs of probe mode: `linear_probe`'s 100.
PROBE_EPOCHS = 100


def _pair(element):
    if isinstance(element, dict):
        if "image" not in element or "label" not in element:
            raise ValueError(
                f"Labeled dicts need the keys 'image' and 'label'; got keys "
                f"{sorted(element)}."
            )
        return element["image"], element["label"]
    if isinstance(element, (tuple, list)) and len(element) >= 2:
        return element[0], element[1]
    raise ValueError(
        "Labeled inputs must be a pair (images, labels), a dict with 'image' "
        "and 'label', or a batched tf.data.Dataset of either; got "
        f"{type(element).__name__}."
    )


def labeled_arrays(data):
    """`(images, labels)` numpy arrays of labeled image data.

    Args:
        data: `(x, y)`, `{"image": x, "label": y}` or a batched
            `tf.data.Dataset` of either (e.g. `from_directory(...,
            labels="inferred")`), read once in order.

    Returns:
        The images as they are (0-255) and the labels `(N,)`.
    """
    if not is_tf_dataset(data):
        images, labels = _pair(data)
        return np.asarray(images), np.asarray(labels).reshape(-1)
    images, labels = [], []
    for element in data.as_numpy_iterator():
        x, y = _pair(element)
        images.append(x)
        y = np.asarray(y).reshape(-1)
        if y.dtype.kind in "SO":  # tf.string labels arrive as bytes.
            y = np.array([v.decode() if isinstance(v, bytes) else v for v in y])
        labels.append(y)
    if not images:
        raise ValueError("The dataset is empty; pass at least one batch.")
    return np.concatenate(images), np.concatenate(labels)


def random_init_copy(encoder):
    """A new encoder with the same config and fresh random weights (the
    random-init baseline; seeded by Keras's global seed)."""
    return keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(encoder)
    )


def copy_encoder(encoder):
    """A new encoder with the same config and weights (trained freely)."""
    clone = random_init_copy(encoder)
    clone.set_weights(encoder.get_weights())
    return clone


def fine_tune(
    encoder,
    train,
    val,
    mode="two_stage",
    epochs=None,
    steps=None,
    batch_size=None,
    learning_rate=None,
    top_k=5,
    seed=0,
    verbose=0,
    copy=True,
    **classifier_kwargs,
):
    """Accuracy of an `ImageClassifier` fine-tuned from `encoder` on `train`.

    The semi-supervised protocol of SimCLR v2 (Chen et al. 2020, "Big
    Self-Supervised Models are Strong Semi-Supervised Learners",
    https://arxiv.org/abs/2006.10029): fine-tune the pretrained encoder with
    a new linear head on the labeled subset, then score on `val`. A copy of
    the encoder is trained (unless `copy=False`), so `encoder` is left as it
    was. Minibatches are drawn by `seed` (`ShuffledBatches`); the head starts
    at zero.

    The recipe is `ImageClassifier`'s defaults, as a user runs them
    (`ImageClassifier(encoder, num_classes)`, `compile()`, `fit(x, y,
    epochs=50, batch_size=32)`): two-stage, the head alone for the first
    fifth of the epochs at Adam 1e-2, then the whole model at 1e-3; light
    augmentation (`light_augmentation`); features standardized before a
    zero-initialised head; encoder BatchNorm frozen. Its measurements are
    in `ImageClassifier`'s docstring.

    The from-scratch baseline is the same call on a random-init encoder
    with `train_batch_norm=True` (same recipe, epochs and augmentation).

    Args:
        encoder: `keras.Model` mapping images to vectors.
        train: labeled images `(x, y)`, `{"image": x, "label": y}` or a
            batched `tf.data.Dataset` of either; pixels 0-255; labels of any
            kind (ints, strings), coded as in `linear_probe`.
        val: labeled evaluation images, same forms.
        mode: `"two_stage"` (default, as `ImageClassifier`), `"finetune"`
            or `"probe"`.
        epochs: int or None. Epochs of `fit` (both stages together for
            two_stage); None: 100 for `"probe"` (as `linear_probe`), else 50
            (unless `steps` is given).
        steps: int or None. A budget of optimizer steps instead of epochs:
            `ceil(steps / steps per epoch)` epochs, so label budgets of
            different sizes get the same number of updates. Pass `epochs`
            or `steps`, not both.
        batch_size: int or None. None: 32, `fit`'s own default.
        learning_rate: float or None. Adam's learning rate; None: the
            classifier's default for `mode` (1e-3 finetune, 1e-2 probe and
            two_stage, see `ImageClassifier.compile`).
        top_k: int. The k of the reported top-k accuracy.
        seed: int. Seeds the minibatch order and the augmentation.
        verbose: int. `fit`'s verbosity.
        copy: bool. Train a copy of `encoder` (default) or the encoder itself.
        **classifier_kwargs: `ImageClassifier` arguments (`head_epochs`,
            `train_batch_norm`, `augmentation`, `dropout`, ...).

    Returns:
        dict: `accuracy`, `top_{top_k}_accuracy` and `loss` on `val`, and
        `epochs` trained, as `linear_probe` returns.

    Example:
    ```python
    encoder = keras_ssl.load_encoder("simclr_convnet_mnist5k")
    x, y = keras_ssl.datasets.mnist5k("train")
    index = keras_ssl.datasets.per_class_subset(y, 10)
    result = keras_ssl.evaluation.fine_tune(
        encoder, (x[index], y[index]), keras_ssl.datasets.mnist5k("test")
    )
    result["accuracy"]
    ```
    """
    if epochs is not None and steps is not None:
        raise ValueError(
            f"Pass epochs or steps, not both; got epochs={epochs!r} and "
            f"steps={steps!r}."
        )
    if epochs is None and steps is None:
        epochs = PROBE_EPOCHS if mode == "probe" else DEFAULT_EPOCHS
    checked = ("epochs", epochs), ("steps", steps), ("batch_size", batch_size), ("top_k", top_k)
    for name, value in checked:
        if value is not None and (int(value) != value or value < 1):
            raise ValueError(f"{name} must be a positive int; got {value!r}.")
    x_train, y_train = labeled_arrays(train)
    x_val, y_val = labeled_arrays(val)
    if len(x_train) != len(y_train) or len(x_val) != len(y_val):
        raise ValueError(
            f"Got {len(x_train)} train images and {len(y_train)} labels, "
            f"{len(x_val)} val images and {len(y_val)} labels; pass one label "
            f"per image."
        )
    train_codes, val_codes, classes = encode_labels(y_train, y_val)
    if batch_size is None:
        batch_size = DEFAULT_BATCH_SIZE
    batches = ShuffledBatches(x_train, train_codes, batch_size, seed)
    if steps is not None:
        epochs = max(1, -(-int(steps) // len(batches)))
    augmentation = classifier_kwargs.pop("augmentation", "auto")
    if isinstance(augmentation, str):
        # Seeded by `seed`, so a call is reproducible without global seeds.
        augmentation = resolve_augmentation(augmentation, mode, seed)
    classifier = ImageClassifier(
        augmentation=augmentation,
        encoder=copy_encoder(encoder) if copy else encoder,
        num_classes=len(classes),
        mode=mode,
        **classifier_kwargs,
    )
    if classifier.standardize_features:
        classifier.adapt(x_train)
    if learning_rate is None:
        learning_rate = DEFAULT_LEARNING_RATES[mode]
    top_k_name = f"top_{top_k}_accuracy"
    classifier.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        metrics=[
            keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
            keras.metrics.SparseTopKCategoricalAccuracy(
                k=min(top_k, len(classes)), name=top_k_name
            ),
        ],
    )
    history = classifier.fit(
        batches,
        epochs=epochs,
        shuffle=False,
        verbose=verbose,
    )
    result = classifier.evaluate(
        x_val, val_codes, batch_size=256, verbose=0, return_dict=True
    )
    return evaluation_result(result, history, top_k_name)
