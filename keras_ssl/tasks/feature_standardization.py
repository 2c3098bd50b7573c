"""`FeatureStandardization`: per-feature mean and std, set once from data."""

import keras
import numpy as np

from keras_ssl.serialization import keras_ssl_serializable

# Features whose std is below this are centred but not scaled (as
# `keras_ssl.evaluation.linear_probe` does).
MIN_STD = 1e-6


@keras_ssl_serializable
class FeatureStandardization(keras.layers.Layer):
    """`(x - mean) / std` with statistics set from data by `adapt`.

    The classifier's counterpart of `linear_probe(standardize=True)`: the
    head sees standardized features, so one learning rate suits every
    encoder whatever its feature scale. Unlike `BatchNormalization`, the
    statistics come from the whole training set in one pass (the encoder
    in inference mode), not from minibatches: with 1 label per class a
    minibatch may hold a single image, whose batch statistics are useless.
    Until `adapt` runs, the layer is the identity (mean 0, std 1). The
    statistics are non-trainable weights, so they save and load.

    Args:
        **kwargs: `keras.layers.Layer` arguments (`name`, ...).

    Example:
    >>> layer = FeatureStandardization()
    >>> layer.adapt(np.array([[0.0, 1.0], [2.0, 3.0]]))
    >>> keras.ops.convert_to_numpy(layer(np.array([[2.0, 3.0]])))
    array([[1., 1.]], dtype=float32)
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)

    def build(self, input_shape):
        dim = int(input_shape[-1])
        self.mean = self.add_weight(
            shape=(dim,), initializer="zeros", trainable=False, name="mean"
        )
        self.std = self.add_weight(
            shape=(dim,), initializer="ones", trainable=False, name="std"
        )
        # 0 until adapt() runs, then the number of examples it saw.
        self.count = self.add_weight(
            shape=(), initializer="zeros", trainable=False, name="count"
        )

    @property
    def adapted(self):
        """Whether `adapt` has set the statistics."""
        return self.built and float(keras.ops.convert_to_numpy(self.count)) > 0

    def adapt(self, features):
        """Set mean and std from `features`, a `(N, D)` array."""
        features = np.asarray(features, dtype="float64")
        if features.ndim != 2 or len(features) == 0:
            raise ValueError(
                f"FeatureStandardization.adapt needs features (N, D) with "
                f"N >= 1; got shape {features.shape}."
            )
        if not self.built:
            self.build(features.shape)
        std = features.std(axis=0)
        self.mean.assign(features.mean(axis=0).astype("float32"))
        self.std.assign(np.where(std < MIN_STD, 1.0, std).astype("float32"))
        self.count.assign(float(len(features)))

    def call(self, inputs):
        inputs = keras.ops.cast(inputs, self.compute_dtype)
        return (inputs - self.mean) / self.std

    def compute_output_shape(self, input_shape):
        return input_shape
