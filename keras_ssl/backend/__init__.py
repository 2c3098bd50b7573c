"""The only backend-specific code in keras_ssl.

Nothing outside this package asks which Keras backend is active (a test,
`tests/test_backend_branches.py`, enforces it); code that must behave
differently per backend calls a function defined here:

- `backend_name()`: the active backend's name, for logs and metadata;
- `cross_replica`: gathering, seeds and BatchNorm under data parallelism;
- `tensors`: handing TensorFlow-built tensors to the active backend;
- `fused_batch_norm`: the fused BatchNorm kernels of TensorFlow and PyTorch;
- `SSLTrainSteps`, the custom train/test steps.

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

_BACKEND = keras.config.backend()

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


def backend_name():
    """The active Keras backend's name: "tensorflow", "jax" or "torch".

    For log lines and saved metadata; code that behaves differently per
    backend belongs in `keras_ssl.backend`, not behind a test of this name.
    """
    return keras.config.backend()


def arrays_fit_through_tf_data():
    """True when `fit` reads NumPy arrays through `tf.data` (TensorFlow).

    There, handing `fit` one repeated `tf.data` pipeline keeps one iterator
    for every epoch (`keras_ssl.inputs.epoch_pipeline`); JAX and PyTorch
    read arrays without `tf.data`, so arrays go to Keras unchanged there.

    Example:
    ```python
    if arrays_fit_through_tf_data():
        import tensorflow as tf
    ```
    """
    return _BACKEND == "tensorflow"


def sync_variables_mid_epoch(model):
    """Make `model`'s variables current inside an epoch of `fit`, and let the
    next train step read back whatever a callback assigns to them.

    JAX's `fit` carries the variables outside the model from step to step
    and writes them back only at the epoch's end; TensorFlow and PyTorch
    train the variables in place, so there this does nothing. Call it in a
    batch-level hook before reading or assigning model state.

    Example:
    ```python
    def begin_train_batch(self, batch):
        sync_variables_mid_epoch(self)
        self.centroids.assign(...)
    ```
    """
    sync = getattr(model, "jax_state_sync", None)
    if sync is not None:
        sync()


__all__ = [
    "SSLTrainSteps",
    "arrays_fit_through_tf_data",
    "backend_name",
    "sync_variables_mid_epoch",
]
