"""SSL losses as plain functions of tensors, usable in any Keras model.

Every module here is imported with the package and its `__all__` names
exported, so a new method's loss file needs no edit of this one.
"""

from keras_ssl.package_exports import export_modules

__all__ = export_modules(__name__, __path__, globals())
