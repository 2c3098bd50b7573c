"""Frozen-encoder features of an evaluation input (see `keras_ssl.data.encoder_features`).

The implementation lives in `keras_ssl.data`, below both `evaluation/` and
`tasks/` (the classifiers standardize their features with it), so neither
package imports the other's internals. This module keeps the names the
probes, callbacks and users import from here.
"""

from keras_ssl.data.encoder_features import LABEL_KEY
from keras_ssl.data.encoder_features import check_inputs
from keras_ssl.data.encoder_features import extract_features
from keras_ssl.data.encoder_features import is_text_input
from keras_ssl.data.encoder_features import labeled_features

__all__ = [
    "LABEL_KEY",
    "check_inputs",
    "extract_features",
    "is_text_input",
    "labeled_features",
]
