"""Schedules: pure functions of the training step (e.g. BYOL's momentum)."""

from keras_ssl.schedules.cosine_momentum import cosine_momentum
from keras_ssl.schedules.warmup_temperature import warmup_temperature

__all__ = ["cosine_momentum", "warmup_temperature"]
