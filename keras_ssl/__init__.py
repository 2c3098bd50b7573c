"""keras-ssl: self-supervised learning for Keras 3, on every backend.

Pretrain an encoder with `model.fit`, load a pretrained one from the zoo,
and measure it with a linear probe.
"""

from keras_ssl import augment
from keras_ssl import callbacks
from keras_ssl import datasets
from keras_ssl import encoders
from keras_ssl import evaluation
from keras_ssl import heads
from keras_ssl import layers
from keras_ssl import losses
from keras_ssl import presets
from keras_ssl import schedules
from keras_ssl.methods import BYOL
from keras_ssl.methods import ConvAutoencoder
from keras_ssl.methods import MaskedLM
from keras_ssl.methods import RotationPrediction
from keras_ssl.methods import SSLModel
from keras_ssl.methods import SimCLR
from keras_ssl.loading import load_encoder
from keras_ssl.presets import list_presets
from keras_ssl.version import __version__

__all__ = [
    "BYOL",
    "ConvAutoencoder",
    "MaskedLM",
    "RotationPrediction",
    "SSLModel",
    "SimCLR",
    "__version__",
    "augment",
    "callbacks",
    "datasets",
    "encoders",
    "evaluation",
    "heads",
    "layers",
    "list_presets",
    "load_encoder",
    "losses",
    "presets",
    "schedules",
]
