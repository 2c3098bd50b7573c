"""keras-ssl: self-supervised learning for Keras 3, on every backend.

Pretrain an encoder with `model.fit`, load a pretrained one from the zoo,
and measure it with a linear probe. Every registered method is exported
here by its class name (`keras_ssl.SimCLR`, ...); `list_methods()` names
them.
"""

from keras_ssl import augment
from keras_ssl import callbacks
from keras_ssl import datasets
from keras_ssl import distributed
from keras_ssl import encoders
from keras_ssl import evaluation
from keras_ssl import heads
from keras_ssl import inputs
from keras_ssl import layers
from keras_ssl import losses
from keras_ssl import methods
from keras_ssl import presets
from keras_ssl import schedules
from keras_ssl.data.pixel_convention import PixelConventionWarning
from keras_ssl.loading import load_encoder
from keras_ssl.methods import JointEmbeddingModel
from keras_ssl.methods import SSLModel
from keras_ssl.methods import list_methods
from keras_ssl.presets import list_presets
from keras_ssl.tasks import AudioClassifier
from keras_ssl.tasks import ImageClassifier
from keras_ssl.tasks import TextClassifier
from keras_ssl.version import __version__

# The method classes (SimCLR, BYOL, ...), as the methods package found them.
_METHOD_CLASSES = [name for name in methods.__all__ if name[0].isupper()]
globals().update({name: getattr(methods, name) for name in _METHOD_CLASSES})

__all__ = sorted(
    set(_METHOD_CLASSES)
    | {
        "AudioClassifier",
        "ImageClassifier",
        "JointEmbeddingModel",
        "PixelConventionWarning",
        "SSLModel",
        "TextClassifier",
        "__version__",
        "augment",
        "callbacks",
        "datasets",
        "distributed",
        "encoders",
        "evaluation",
        "heads",
        "inputs",
        "layers",
        "list_methods",
        "list_presets",
        "load_encoder",
        "losses",
        "methods",
        "presets",
        "schedules",
    }
)
