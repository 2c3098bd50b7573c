"""Schedules: pure functions of the training step (e.g. BYOL's momentum)."""

from keras_ssl.schedules.cosine_momentum import cosine_momentum

__all__ = ["cosine_momentum"]
