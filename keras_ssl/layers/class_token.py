"""The ViT class token: prepended to the patch tokens, read out at the end."""

import keras
from keras import ops

from keras_ssl.serialization import keras_ssl_serializable

TOKEN_POOLINGS = ("cls", "mean")


@keras_ssl_serializable
class ClassToken(keras.layers.Layer):
    """Prepend a learned class token to a sequence of tokens.

    ViT's `[class]` token (Dosovitskiy et al. 2021,
    https://arxiv.org/abs/2010.11929, Eq. 1): `(N, T, D)` -> `(N, T + 1, D)`.

    Args:
        **kwargs: `keras.layers.Layer` arguments (`name`, `dtype`).

    Example:
    ```python
    keras_ssl.layers.ClassToken()(np.zeros((2, 49, 64))).shape  # (2, 50, 64)
    ```
    """

    def build(self, input_shape):
        self.token = self.add_weight(
            shape=(1, 1, input_shape[-1]),
            initializer=keras.initializers.TruncatedNormal(stddev=0.02),
            name="token",
        )

    def call(self, tokens):
        batch, _, dim = ops.shape(tokens)
        token = ops.broadcast_to(ops.cast(self.token, tokens.dtype), (batch, 1, dim))
        return ops.concatenate([token, tokens], axis=1)

    def compute_output_shape(self, input_shape):
        count = None if input_shape[1] is None else input_shape[1] + 1
        return (input_shape[0], count, input_shape[2])


@keras_ssl_serializable
class TokenPooling(keras.layers.Layer):
    """One vector per sequence: the class token, or the mean patch token.

    Args:
        pooling: `"cls"` (token 0, the class token) or `"mean"` (mean of
            tokens 1.., the patch tokens, as in MAE's fine-tuning).
        **kwargs: `keras.layers.Layer` arguments (`name`, `dtype`).

    Example:
    ```python
    keras_ssl.layers.TokenPooling("mean")(np.zeros((2, 50, 64))).shape  # (2, 64)
    ```
    """

    def __init__(self, pooling="cls", **kwargs):
        super().__init__(**kwargs)
        if pooling not in TOKEN_POOLINGS:
            raise ValueError(
                f"pooling must be one of {TOKEN_POOLINGS}; got {pooling!r}."
            )
        self.pooling = pooling

    def call(self, tokens):
        if self.pooling == "cls":
            return tokens[:, 0]
        return ops.mean(tokens[:, 1:], axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])

    def get_config(self):
        config = super().get_config()
        config.update(pooling=self.pooling)
        return config
