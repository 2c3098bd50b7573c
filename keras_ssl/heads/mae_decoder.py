"""MAE's light transformer decoder: mask tokens in, pixels of patches out."""

import keras
from keras import ops

from keras_ssl.layers.transformer_block import TransformerBlock
from keras_ssl.serialization import keras_ssl_serializable


def gather_tokens(tokens, index):
    """`tokens[n, index[n, t], :]`: `(N, T, D)` tokens, `(N, K)` indices."""
    batch, _, dim = ops.shape(tokens)
    index = ops.broadcast_to(index[:, :, None], (batch, ops.shape(index)[1], dim))
    return ops.take_along_axis(tokens, ops.cast(index, "int32"), axis=1)


@keras_ssl_serializable
class MAEDecoder(keras.layers.Layer):
    """The MAE decoder (He et al. 2022, https://arxiv.org/abs/2111.06377).

    Sec. 3: "The input to the MAE decoder is the full set of tokens
    consisting of (i) encoded visible patches, and (ii) mask tokens. Each
    mask token is a shared, learned vector ... We add positional
    embeddings to all tokens in this full set". A linear layer maps the
    encoder's tokens to the decoder width, one learned mask token fills
    the masked places, the sequence is put back in grid order, position
    embeddings are added, and pre-norm transformer blocks and a linear
    layer predict each patch's pixels. Deviation: learned position
    embeddings (the paper uses fixed sine-cosine ones).

    Args:
        num_patches: int. P, patches per image.
        patch_dim: int. Pixel values per patch, `p * p * C`.
        hidden_dim: int. Decoder width.
        num_layers: int. Decoder blocks (the paper: 8 of width 512 for
            ViT-L; a light decoder is the point).
        num_heads: int. Attention heads.
        mlp_dim: int or None. MLP width of each block; None: 2 * hidden_dim.
        **kwargs: `keras.layers.Layer` arguments (`name`, `dtype`).

    Call: `decoder(encoded, restore)`, with `encoded` `(N, 1 + K, D)` the
    encoder's output on K visible patches (class token first) and
    `restore` `(N, P)` from `random_patch_masking`. Returns `(N, P,
    patch_dim)`.

    Example:
    ```python
    decoder = keras_ssl.heads.MAEDecoder(num_patches=49, patch_dim=16)
    decoder.build((None, 13, 64))
    ```
    """

    def __init__(self, num_patches, patch_dim, hidden_dim=64, num_layers=2,
                 num_heads=4, mlp_dim=None, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("num_patches", num_patches), ("patch_dim", patch_dim),
                            ("hidden_dim", hidden_dim), ("num_layers", num_layers),
                            ("num_heads", num_heads)):
            if isinstance(value, bool) or int(value) != value or value < 1:
                raise ValueError(f"MAEDecoder {name} must be a positive int; got {value!r}.")
        self.num_patches = int(num_patches)
        self.patch_dim = int(patch_dim)
        self.hidden_dim = int(hidden_dim)
        self.num_layers = int(num_layers)
        self.num_heads = int(num_heads)
        self.mlp_dim = int(2 * hidden_dim if mlp_dim is None else mlp_dim)
        policy = self.dtype_policy
        self.embed = keras.layers.Dense(self.hidden_dim, dtype=policy, name="embed")
        self.blocks = [
            TransformerBlock(self.num_heads, self.mlp_dim, dtype=policy, name=f"block{i}")
            for i in range(self.num_layers)
        ]
        self.norm = keras.layers.LayerNormalization(epsilon=1e-6, dtype=policy, name="norm")
        self.predict_pixels = keras.layers.Dense(self.patch_dim, dtype=policy, name="pixels")

    def build(self, encoded_shape):
        init = keras.initializers.TruncatedNormal(stddev=0.02)
        self.mask_token = self.add_weight(
            shape=(1, 1, self.hidden_dim), initializer=init, name="mask_token"
        )
        self.position_embedding = self.add_weight(
            shape=(1, self.num_patches, self.hidden_dim), initializer=init,
            name="position_embedding",
        )
        self.embed.build(encoded_shape)
        full = (None, self.num_patches + 1, self.hidden_dim)
        for block in self.blocks:
            block.build(full)
        self.norm.build(full)
        self.predict_pixels.build(full)
        self.built = True

    def call(self, encoded, restore, training=False):
        x = self.embed(encoded)
        class_token, visible = x[:, :1], x[:, 1:]
        batch = ops.shape(x)[0]
        num_masked = self.num_patches - ops.shape(visible)[1]
        mask_tokens = ops.broadcast_to(
            ops.cast(self.mask_token, x.dtype), (batch, num_masked, self.hidden_dim)
        )
        tokens = gather_tokens(ops.concatenate([visible, mask_tokens], axis=1), restore)
        tokens = tokens + ops.cast(self.position_embedding, x.dtype)
        x = ops.concatenate([class_token, tokens], axis=1)
        for block in self.blocks:
            x = block(x, training=training)
        return self.predict_pixels(self.norm(x))[:, 1:]

    def get_config(self):
        config = super().get_config()
        config.update(
            num_patches=self.num_patches, patch_dim=self.patch_dim,
            hidden_dim=self.hidden_dim, num_layers=self.num_layers,
            num_heads=self.num_heads, mlp_dim=self.mlp_dim,
        )
        return config
