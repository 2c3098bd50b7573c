"""Linear probe: a softmax classifier trained with `fit` on frozen features."""

import keras
import numpy as np

from keras_ssl.evaluation.features import labeled_features
from keras_ssl.evaluation.label_codes import encode_labels
from keras_ssl.evaluation.shuffled_batches import ShuffledBatches

# With `batch_size=None`, small train sets get smaller batches so that an
# epoch has at least this many optimizer steps (one 256-example batch per
# epoch leaves a 10-labels-per-class probe underfit after 100 epochs).
MIN_STEPS_PER_EPOCH = 8
MAX_AUTO_BATCH_SIZE = 256

# Features whose train std is below this are centred but not scaled (a
# constant feature would otherwise be divided by zero).
_MIN_STD = 1e-6


def standardize_features(train_features, val_features):
    """Scale both sets by the train set's per-feature mean and std."""
    mean = train_features.mean(axis=0)
    std = train_features.std(axis=0)
    std = np.where(std < _MIN_STD, 1.0, std)
    return (train_features - mean) / std, (val_features - mean) / std


def linear_classifier(feature_dim, num_classes):
    """`Dense(num_classes)` on `(N, feature_dim)` features, giving logits.

    Float32 whatever the global dtype policy. The weights start at zero, as
    in logistic regression (the data breaks the symmetry): backends draw
    different random numbers from the same seed, and a zero start makes the
    probe's result the same on every backend up to float rounding.
    """
    inputs = keras.Input(shape=(feature_dim,), name="features")
    logits = keras.layers.Dense(
        num_classes, kernel_initializer="zeros", dtype="float32", name="logits"
    )(inputs)
    return keras.Model(inputs, logits, name="linear_probe")


def auto_batch_size(count):
    """256, or fewer for small sets: at least 8 steps per epoch."""
    return min(MAX_AUTO_BATCH_SIZE, max(1, count // MIN_STEPS_PER_EPOCH))


def _check_args(epochs, batch_size, top_k):
    checked = [("epochs", epochs), ("top_k", top_k)]
    if batch_size is not None:
        checked.append(("batch_size", batch_size))
    for name, value in checked:
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive int; got {value!r}.")


def linear_probe(
    encoder,
    train,
    val,
    epochs=100,
    batch_size=None,
    learning_rate=1e-2,
    standardize=True,
    top_k=5,
    callbacks=None,
    seed=0,
    verbose=0,
    feature_batch_size=256,
):
    """Accuracy of a linear classifier on a frozen encoder's features.

    The features of `train` and `val` are computed once, in batches, with
    the encoder in inference mode; optionally standardized with the train
    set's per-feature mean and std; then a `Dense` softmax classifier is
    trained on them with Adam and `fit` (cross-entropy), shuffled each epoch
    by `seed`, and evaluated on `val`. With the same seed and data, the
    result is the same, and no global random state is used or changed.
    This is the linear evaluation protocol of self-supervised learning
    (e.g. Kolesnikov et al. 2019, "Revisiting Self-Supervised Visual
    Representation Learning"): https://arxiv.org/abs/1901.09005

    When `callbacks` are given, `fit` also validates on `val` every epoch,
    so callbacks can monitor `val_loss`, `val_accuracy` and
    `val_top_{top_k}_accuracy` (e.g. `EarlyStopping(monitor="val_accuracy",
    mode="max", restore_best_weights=True)`); the returned metrics are those
    of the classifier as `fit` leaves it.

    Args:
        encoder: `keras.Model` mapping inputs to vectors (e.g.
            `model.encoder`); None to use the inputs as features.
        train: labeled training data: `(x, y)`, `{"image": x, "label": y}`
            or a batched `tf.data.Dataset` of either. Images are pixels in
            0-255 (uint8 or float); text may be strings. Labels: ints or strings.
        val: labeled evaluation data, same forms.
        epochs: int. Epochs of classifier training.
        batch_size: int or None. Minibatch size of classifier training;
            None: 256, or `N // 8` for train sets under 2,048 examples, so
            every epoch has at least 8 steps (with this default the probe
            scores within about a point of scikit-learn's logistic
            regression on mnist5k features, from 1 to 400 labels per class).
        learning_rate: float. Adam's learning rate.
        standardize: bool. Standardize features with train statistics.
        top_k: int. The k of the reported top-k accuracy (1.0 when there are
            at most k classes).
        callbacks: list of `keras.callbacks.Callback` for the classifier's
            `fit`.
        seed: int. Seeds the minibatch order (the weights start at zero).
        verbose: int. `fit`'s verbosity.
        feature_batch_size: int. Batch size of the encoder's forward passes.

    Returns:
        dict: `accuracy`, `top_{top_k}_accuracy` and `loss` (mean
        cross-entropy) on `val`, and `epochs`, the epochs trained (fewer than
        asked if a callback stopped training).

    Example:
    ```python
    x_train, y_train = keras_ssl.datasets.mnist5k("train")
    x_test, y_test = keras_ssl.datasets.mnist5k("test")
    result = keras_ssl.evaluation.linear_probe(
        model.encoder,
        train=(x_train, y_train),
        val=(x_test, y_test),
        callbacks=[keras.callbacks.EarlyStopping(
            monitor="val_accuracy", mode="max", patience=10,
            restore_best_weights=True,
        )],
    )
    result["accuracy"]
    ```
    """
    _check_args(epochs, batch_size, top_k)
    train_features, train_labels = labeled_features(encoder, train, feature_batch_size)
    val_features, val_labels = labeled_features(encoder, val, feature_batch_size)
    if train_features.shape[1] != val_features.shape[1]:
        raise ValueError(
            f"Train features have {train_features.shape[1]} dimensions but "
            f"val features {val_features.shape[1]}; pass inputs of one kind."
        )
    train_codes, val_codes, classes = encode_labels(train_labels, val_labels)
    if standardize:
        train_features, val_features = standardize_features(
            train_features, val_features
        )
    if batch_size is None:
        batch_size = auto_batch_size(len(train_codes))
    classifier = linear_classifier(train_features.shape[1], len(classes))
    top_k_name = f"top_{top_k}_accuracy"
    classifier.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[
            keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
            keras.metrics.SparseTopKCategoricalAccuracy(
                k=min(top_k, len(classes)), name=top_k_name
            ),
        ],
    )
    history = classifier.fit(
        ShuffledBatches(train_features, train_codes, batch_size, seed),
        validation_data=(val_features, val_codes) if callbacks else None,
        epochs=epochs,
        callbacks=callbacks,
        shuffle=False,
        verbose=verbose,
    )
    result = classifier.evaluate(
        val_features, val_codes, batch_size=1024, verbose=0, return_dict=True
    )
    return evaluation_result(result, history, top_k_name)


def evaluation_result(result, history, top_k_name):
    """The dict `linear_probe` and `fine_tune` return, from `evaluate`'s
    logs and `fit`'s history."""
    return {
        "accuracy": float(result["accuracy"]),
        top_k_name: float(result[top_k_name]),
        "loss": float(result["loss"]),
        "epochs": len(history.epoch),
    }
