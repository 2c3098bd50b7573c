"""SSL losses as plain functions of tensors, usable in any Keras model."""

from keras_ssl.losses.byol_loss import BYOLLoss
from keras_ssl.losses.byol_loss import byol_loss
from keras_ssl.losses.nt_xent import NTXent
from keras_ssl.losses.nt_xent import nt_xent
from keras_ssl.losses.nt_xent import nt_xent_logits
from keras_ssl.losses.reconstruction import reconstruction_loss

__all__ = [
    "BYOLLoss",
    "NTXent",
    "byol_loss",
    "nt_xent",
    "nt_xent_logits",
    "reconstruction_loss",
]
