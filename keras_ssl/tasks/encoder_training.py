"""What a classifier's training does to its encoder: read, freeze, slow down.

`encoder_features` reads the frozen encoder's features (to fit the feature
standardization), `batch_norm_layers` finds the BatchNorm layers the
default policy freezes, and `scaled_optimizer` makes the lower-learning-rate
optimizer of two_stage's second stage.
"""

import keras
import numpy as np

from keras_ssl.data.encoder_features import extract_features


def encoder_features(encoder, x, batch_size=256):
    """The encoder's features `(N, D)` of images, in inference mode.

    `x`: images (0-255), a dict with an `"image"` entry, a batched
    `tf.data.Dataset` yielding images or `(images, labels, ...)`, or a
    `keras.utils.PyDataset` of such batches. The same forward pass as
    `keras_ssl.evaluation.linear_probe`'s (`extract_features`).
    """
    if isinstance(x, keras.utils.PyDataset):
        batches = []
        for index in range(len(x)):
            batch = x[index]
            batch = batch[0] if isinstance(batch, (tuple, list)) else batch
            batches.append(extract_features(encoder, batch, batch_size))
        return np.concatenate(batches)
    return extract_features(encoder, x, batch_size)


def batch_norm_layers(layer):
    """The `BatchNormalization` layers inside `layer`, at any depth."""
    found, stack, seen = [], [layer], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, keras.layers.BatchNormalization):
            found.append(current)
        stack.extend(getattr(current, "layers", None) or [])
        for value in vars(current).values():
            items = value if isinstance(value, (list, tuple)) else [value]
            stack.extend(item for item in items if isinstance(item, keras.layers.Layer))
    return found


def scaled_optimizer(optimizer, factor):
    """A fresh, unbuilt copy of `optimizer` with its learning rate times
    `factor` (a schedule is kept as it is: scale it yourself)."""
    config = optimizer.get_config()
    if isinstance(config.get("learning_rate"), (int, float)):
        config["learning_rate"] = config["learning_rate"] * factor
    return type(optimizer).from_config(config)
