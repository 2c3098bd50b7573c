"""A pre-norm transformer block for vision transformers."""

import keras

from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class TransformerBlock(keras.layers.Layer):
    """Pre-norm transformer block: `x + MHA(LN(x))`, then `x + MLP(LN(x))`.

    The block of ViT (Dosovitskiy et al. 2021,
    https://arxiv.org/abs/2010.11929, Eqs. 2-3): LayerNormalization before
    multi-head self-attention and before a 2-layer GELU MLP, each with a
    residual connection. Built from Keras's `MultiHeadAttention`,
    `LayerNormalization` and `Dense`, so it runs on every backend.

    Args:
        num_heads: int. Attention heads; must divide the token width.
        mlp_dim: int. Hidden width of the MLP.
        dropout: float. Dropout after attention and in the MLP.
        layer_norm_epsilon: float. Epsilon of the LayerNormalizations.
        **kwargs: `keras.layers.Layer` arguments (`name`, `dtype`).

    Example:
    ```python
    block = keras_ssl.layers.TransformerBlock(num_heads=4, mlp_dim=128)
    block(np.zeros((2, 50, 64))).shape  # (2, 50, 64)
    ```
    """

    def __init__(self, num_heads, mlp_dim, dropout=0.0, layer_norm_epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        if int(num_heads) < 1 or int(mlp_dim) < 1:
            raise ValueError(
                f"num_heads and mlp_dim must be positive ints; got {num_heads} "
                f"and {mlp_dim}."
            )
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1); got {dropout}.")
        self.num_heads = int(num_heads)
        self.mlp_dim = int(mlp_dim)
        self.dropout = float(dropout)
        self.layer_norm_epsilon = float(layer_norm_epsilon)

    def build(self, input_shape):
        dim = input_shape[-1]
        if dim % self.num_heads:
            raise ValueError(
                f"The token width {dim} is not a multiple of num_heads "
                f"{self.num_heads}; choose num_heads dividing it."
            )
        policy = self.dtype_policy
        self.attention_norm = keras.layers.LayerNormalization(
            epsilon=self.layer_norm_epsilon, dtype=policy, name="attention_norm"
        )
        self.attention = keras.layers.MultiHeadAttention(
            self.num_heads, dim // self.num_heads, dropout=self.dropout,
            dtype=policy, name="attention",
        )
        self.mlp_norm = keras.layers.LayerNormalization(
            epsilon=self.layer_norm_epsilon, dtype=policy, name="mlp_norm"
        )
        self.mlp_hidden = keras.layers.Dense(
            self.mlp_dim, activation="gelu", dtype=policy, name="mlp_hidden"
        )
        self.mlp_output = keras.layers.Dense(dim, dtype=policy, name="mlp_output")
        self.output_dropout = keras.layers.Dropout(self.dropout, dtype=policy)
        self.attention_norm.build(input_shape)
        self.attention.build(input_shape, input_shape)
        self.mlp_norm.build(input_shape)
        self.mlp_hidden.build(input_shape)
        self.mlp_output.build(tuple(input_shape[:-1]) + (self.mlp_dim,))

    def call(self, tokens, training=False):
        normed = self.attention_norm(tokens)
        attended = self.attention(normed, normed, training=training)
        tokens = tokens + self.output_dropout(attended, training=training)
        hidden = self.mlp_hidden(self.mlp_norm(tokens))
        hidden = self.output_dropout(hidden, training=training)
        return tokens + self.output_dropout(self.mlp_output(hidden), training=training)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            num_heads=self.num_heads,
            mlp_dim=self.mlp_dim,
            dropout=self.dropout,
            layer_norm_epsilon=self.layer_norm_epsilon,
        )
        return config
