import keras
import numpy as np

import keras_ssl
from keras_ssl.backend import backend_name
from keras_ssl.backend.cross_replica import synchronize_batch_norm


def batch_norms(head):
    return [
        layer
        for block in head.block_layers
        for layer in block
        if isinstance(layer, keras.layers.BatchNormalization)
    ]


def test_global_batch_norm_synchronizes_only_where_replicas_run_steps():
    head = keras_ssl.heads.ProjectionHead(hidden_units=(8,), output_units=4)
    assert head(np.zeros((2, 6), "float32")).shape == (2, 4)
    layers = batch_norms(head)
    assert layers
    assert all(layer.synchronized == (backend_name() == "tensorflow") for layer in layers)
    local = keras_ssl.heads.ProjectionHead(
        hidden_units=(8,), output_units=4, global_batch_norm=False
    )
    assert not any(layer.synchronized for layer in batch_norms(local))
    # Not part of the config: a head saved on TensorFlow loads anywhere.
    assert "synchronized" not in str(head.get_config())


def test_synchronize_batch_norm_leaves_other_layers_alone():
    dense = keras.layers.Dense(2)
    norm = keras.layers.BatchNormalization()
    synchronize_batch_norm([dense, norm])
    assert not hasattr(dense, "synchronized")
    assert norm.synchronized == (backend_name() == "tensorflow")
