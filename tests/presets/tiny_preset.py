"""Helpers for the preset tests: a tiny model and what its preset must give back."""

import os
import shutil

import keras
import numpy as np

import keras_ssl

TINY_METADATA = {
    "data": "random noise",
    "split": "train",
    "epochs": 1,
    "batch_size": 8,
    "seed": 3,
    "metrics": {"rotation_accuracy": 0.25, "probe_accuracy_all": 0.5},
    "headline_metric": "probe_accuracy_all",
    "description": "A throwaway preset made by the tests.",
}


def tiny_rotation_model():
    """A compiled RotationPrediction whose every saved number is non-default:
    random BatchNorm statistics, an advanced seed state, built optimizer."""
    encoder = keras_ssl.encoders.ConvNet(
        input_shape=(12, 12, 1), stage_filters=((4,), (8,))
    )
    model = keras_ssl.RotationPrediction(encoder=encoder, seed=3)
    rng = np.random.default_rng(0)
    for variable in model.non_trainable_weights:
        variable.assign(rng.uniform(0.5, 1.5, variable.shape).astype("float32"))
    keras.random.uniform((2,), seed=model.seed_generator)
    model.compile()
    model.optimizer.build(model.trainable_variables)
    return model


def to_numpy(value):
    return keras.ops.convert_to_numpy(value)


class TinyPreset:
    """A saved preset and what loading it must give back."""

    def __init__(self, directory, model):
        self.directory = directory
        self.inputs = 255.0 * np.random.default_rng(1).random((3, 12, 12, 1)).astype("float32")
        self.features = to_numpy(model(self.inputs))
        self.weights = [to_numpy(weight.value) for weight in model.weights]
        self.seed_state = to_numpy(model.seed_generator.state.value)

    def copy_to(self, parent, name=None):
        """A copy of the preset directory (to tamper with) in `parent`."""
        target = os.path.join(str(parent), name or os.path.basename(self.directory))
        shutil.copytree(self.directory, target)
        return target
