"""The only backend-specific code in keras_ssl: the custom train/test steps.

`SSLTrainSteps` is a mixin with `train_step` and `test_step` for the active
Keras backend. `keras_ssl.methods.SSLModel` inherits from it, so every method
gets the same step on TensorFlow, JAX and PyTorch while supplying only:

- `compute_ssl_loss(images, training)`: views, forward pass and loss,
- `after_train_step()`: an optional update after the optimizer step
  (for example BYOL's moving-average target network).

Each backend module is imported only when that backend is active, so the
image methods import and train without TensorFlow installed.
"""

import keras

_BACKEND = keras.backend.backend()

if _BACKEND == "tensorflow":
    from keras_ssl.backend.tensorflow_steps import SSLTrainSteps
elif _BACKEND == "jax":
    from keras_ssl.backend.jax_steps import SSLTrainSteps
elif _BACKEND == "torch":
    from keras_ssl.backend.torch_steps import SSLTrainSteps
else:
    raise ImportError(
        f"keras_ssl supports the tensorflow, jax and torch backends; "
        f"KERAS_BACKEND is {_BACKEND!r}. Set KERAS_BACKEND to one of those."
    )

__all__ = ["SSLTrainSteps"]
