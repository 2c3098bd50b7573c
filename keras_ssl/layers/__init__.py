"""Layers keras_ssl's encoders and heads are built from."""

from keras_ssl.layers.batch_normalization import BatchNormalization

__all__ = ["BatchNormalization"]
