"""Evaluation of encoders: linear probe, kNN, fine-tuning, collapse measure.

Every function takes an encoder (e.g. `model.encoder`) and labeled data
(`(x, y)`, tfds-style dicts or batched `tf.data`) and leaves the encoder
untouched: the probes compute its features once in batches; `fine_tune`
trains a copy of it with a new head (`keras_ssl.ImageClassifier`). `keras_ssl.callbacks`
runs the same measurements during `fit`.
"""

from keras_ssl.evaluation.benchmark_protocol import BENCHMARK_DESCRIPTION
from keras_ssl.evaluation.benchmark_protocol import benchmark_header
from keras_ssl.evaluation.benchmark_protocol import benchmark_metrics
from keras_ssl.evaluation.benchmark_protocol import benchmark_row
from keras_ssl.evaluation.embedding_std import embedding_std
from keras_ssl.evaluation.features import extract_features
from keras_ssl.evaluation.features import labeled_features
from keras_ssl.evaluation.fine_tune import fine_tune
from keras_ssl.evaluation.fortunes_protocol import fortunes_topic_metrics
from keras_ssl.evaluation.fsdd_protocol import FSDD_DESCRIPTION
from keras_ssl.evaluation.fsdd_protocol import fsdd_metrics
from keras_ssl.evaluation.fsdd_table import fsdd_header
from keras_ssl.evaluation.fsdd_table import fsdd_row
from keras_ssl.evaluation.knn import knn_accuracy
from keras_ssl.evaluation.knn import knn_predict
from keras_ssl.evaluation.label_efficiency import label_efficiency
from keras_ssl.evaluation.linear_probe import linear_probe
from keras_ssl.evaluation.masked_lm_metrics import masked_lm_arrays
from keras_ssl.evaluation.masked_lm_metrics import masked_lm_metrics
from keras_ssl.evaluation.mnist5k_protocol import mnist5k_metrics

__all__ = [
    "BENCHMARK_DESCRIPTION",
    "FSDD_DESCRIPTION",
    "benchmark_header",
    "benchmark_metrics",
    "benchmark_row",
    "embedding_std",
    "extract_features",
    "fine_tune",
    "fortunes_topic_metrics",
    "fsdd_header",
    "fsdd_metrics",
    "fsdd_row",
    "knn_accuracy",
    "knn_predict",
    "label_efficiency",
    "labeled_features",
    "linear_probe",
    "masked_lm_arrays",
    "masked_lm_metrics",
    "mnist5k_metrics",
]
