"""Self-supervised methods, one file each, on the shared `SSLModel` base.

Every module here is imported when the package is, so a new method file
(decorated with `register_method`) is all it takes for the method to be
exported, listed by `list_methods()` and offered by `keras-ssl pretrain`.
"""

from keras_ssl.methods.joint_embedding import JointEmbeddingModel
from keras_ssl.methods.registry import get_method
from keras_ssl.methods.registry import list_methods
from keras_ssl.methods.registry import register_method
from keras_ssl.methods.registry import unregister_method
from keras_ssl.methods.ssl_model import SSLModel
from keras_ssl.package_exports import export_modules

# The method classes, by the name of each class registered in the modules.
__all__ = export_modules(__name__, __path__, globals()) + [
    "JointEmbeddingModel",
    "SSLModel",
    "get_method",
    "list_methods",
    "register_method",
    "unregister_method",
]
