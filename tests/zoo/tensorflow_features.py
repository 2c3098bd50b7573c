"""Features of the first 64 mnist5k test digits by every shipped image
preset's encoder, under TensorFlow: `python tensorflow_features.py OUT.npz`.

tests/zoo/test_shipped_presets.py runs it in a subprocess on the other
backends, to check that they compute the features whose figures the
TensorFlow run recomputes.
"""

import os
import sys

os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import keras_ssl  # noqa: E402
from keras_ssl.presets.preset_files import read_preset  # noqa: E402
from keras_ssl.presets.registry import shipped_presets  # noqa: E402

COUNT = 64


def is_mnist5k_preset(name):
    return read_preset(shipped_presets()[name]).metadata["data"].startswith("mnist5k")


def main(path):
    images, _ = keras_ssl.datasets.mnist5k("test")
    features = {
        name: keras_ssl.load_encoder(name).predict(images[:COUNT], verbose=0)
        for name in sorted(shipped_presets())
        if is_mnist5k_preset(name)
    }
    np.savez(path, **features)


if __name__ == "__main__":
    main(sys.argv[1])
