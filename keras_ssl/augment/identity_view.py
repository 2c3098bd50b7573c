"""`IdentityView`: the augmentation that leaves the input as it is.

Some methods make their two views differ by something other than input
augmentation: SimCSE passes the same sentence twice through an encoder with
dropout, so the "augmentation" is the identity. `IdentityView` is that
augmentation as a serializable layer, so such a model saves and reloads like
any other.
"""

import keras
from keras import ops

from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class IdentityView(keras.layers.Layer):
    """Return the input unchanged, for methods whose views need no augmentation.

    Works on any rank and dtype: integer token ids (text) and booleans pass
    through untouched; floating inputs come back as float32 (the dtype of
    every view). Masks propagate. Used by SimCSE, whose two views of a
    sentence differ only by the encoder's dropout (Gao et al. 2021, Sec. 3).

    Reference: https://arxiv.org/abs/2104.08821 (SimCSE)

    Args:
        **kwargs: `keras.layers.Layer` arguments.

    Example:
    ```python
    identity = keras_ssl.augment.IdentityView()
    tokens = np.array([[101, 2023, 102]])
    identity(tokens)  # the same int tensor
    augmentation = keras_ssl.augment.view_recipe("identity", (128,))
    ```
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=None):
        inputs = ops.convert_to_tensor(inputs)
        if "float" in str(keras.backend.standardize_dtype(inputs.dtype)):
            return ops.cast(inputs, "float32")
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_output_spec(self, inputs, training=None):
        dtype = keras.backend.standardize_dtype(inputs.dtype)
        dtype = "float32" if "float" in dtype else dtype
        return keras.KerasTensor(inputs.shape, dtype=dtype)

    def get_config(self):
        # No arguments of its own: name, dtype and trainable.
        return super().get_config()
