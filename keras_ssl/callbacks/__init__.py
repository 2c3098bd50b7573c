"""Keras callbacks that evaluate the encoder while a method trains.

Each writes its measurement into the epoch's `logs`, so Keras's own
callbacks placed after it can monitor it:

- `LinearProbe`: `val_probe_accuracy`, `val_probe_top_5_accuracy`,
  `val_probe_loss`;
- `KNNMonitor`: `val_knn_accuracy`;
- `CollapseMonitor`: `embedding_std` (and a `CollapseWarning`).
"""

from keras_ssl.callbacks.collapse_monitor import CollapseMonitor
from keras_ssl.callbacks.collapse_monitor import CollapseWarning
from keras_ssl.callbacks.knn_monitor import KNNMonitor
from keras_ssl.callbacks.linear_probe import LinearProbe

__all__ = ["CollapseMonitor", "CollapseWarning", "KNNMonitor", "LinearProbe"]
