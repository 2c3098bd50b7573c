"""Tensors built with TensorFlow ops, handed to the active backend.

The text pipeline tokenizes with TensorFlow ops (keras-nlp's tokenizers)
whatever the Keras backend; its results leave through `from_tf_tensor`.
"""

import keras


def from_tf_tensor(tensor):
    """A `tf.Tensor` as the active backend's code takes it.

    Args:
        tensor: an eager `tf.Tensor`.

    Returns:
        `tensor` itself under the TensorFlow backend (it is that backend's
        tensor type); its numpy value under JAX and PyTorch.
    """
    if keras.config.backend() == "tensorflow":
        return tensor
    return tensor.numpy()
