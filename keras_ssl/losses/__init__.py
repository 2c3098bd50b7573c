"""SSL losses as plain functions of tensors, usable in any Keras model."""

from keras_ssl.losses.reconstruction import reconstruction_loss

__all__ = ["reconstruction_loss"]
