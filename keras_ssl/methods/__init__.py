"""Self-supervised methods, one file each, on the shared `SSLModel` base."""

from keras_ssl.methods.byol import BYOL
from keras_ssl.methods.conv_autoencoder import ConvAutoencoder
from keras_ssl.methods.masked_lm import MaskedLM
from keras_ssl.methods.rotation_prediction import RotationPrediction
from keras_ssl.methods.simclr import SimCLR
from keras_ssl.methods.ssl_model import SSLModel

__all__ = [
    "BYOL",
    "ConvAutoencoder",
    "MaskedLM",
    "RotationPrediction",
    "SSLModel",
    "SimCLR",
]
