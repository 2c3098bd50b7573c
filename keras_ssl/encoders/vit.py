"""A small vision transformer (ViT) encoder for 28x28 and 32x32 images."""

import keras

from keras_ssl.encoders.pixel_rescaling import rescale_pixels
from keras_ssl.layers.class_token import TOKEN_POOLINGS
from keras_ssl.layers.class_token import ClassToken
from keras_ssl.layers.class_token import TokenPooling
from keras_ssl.layers.patch_embedding import PatchEmbedding
from keras_ssl.layers.patch_embedding import check_patch_grid
from keras_ssl.layers.position_embedding import PatchPositionEmbedding
from keras_ssl.layers.transformer_block import TransformerBlock
from keras_ssl.loading import encoder_from_preset
from keras_ssl.serialization import keras_ssl_serializable


def _check_sizes(input_shape, patch_size, hidden_dim, num_layers, num_heads, mlp_dim):
    if len(input_shape) != 3 or input_shape[0] is None or input_shape[1] is None:
        raise ValueError(
            f"input_shape must be (H, W, C) with H and W known (the size the "
            f"position embeddings are learned for); got {input_shape}."
        )
    for name, value in (("patch_size", patch_size), ("hidden_dim", hidden_dim),
                        ("num_layers", num_layers), ("num_heads", num_heads),
                        ("mlp_dim", mlp_dim)):
        if isinstance(value, bool) or int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive int; got {value!r}.")
    if hidden_dim % num_heads:
        raise ValueError(
            f"hidden_dim {hidden_dim} is not a multiple of num_heads "
            f"{num_heads}; each head gets hidden_dim / num_heads channels."
        )
    return check_patch_grid(input_shape[0], input_shape[1], patch_size)


@keras_ssl_serializable
class ViT(keras.Model):
    """Vision transformer encoder: patches, class token, pre-norm blocks.

    Dosovitskiy et al. 2021, "An Image is Worth 16x16 Words",
    https://arxiv.org/abs/2010.11929. Pixels come in 0-255 and are scaled
    to [0, 1] by the first layer (as `ConvNet` and `ResNet18` do); a
    `patch_size` convolution embeds each patch, learned position
    embeddings and a class token are added, `num_layers` pre-norm
    transformer blocks and a final LayerNormalization follow, and the
    output is one vector per image: the class token (`pooling="cls"`) or
    the mean of the patch tokens (`"mean"`). The defaults (7x7 patches of
    4x4 on 28x28 digits, 64 wide, 4 blocks) have 138,304 weights and train
    on a CPU.

    Other image sizes: the encoder accepts images of any size that
    `patch_size` divides (e.g. a 12x12 DINO local crop when built for
    28x28); its position embeddings are then bilinearly interpolated to
    the new patch grid. `input_shape` says the size they are learned for.

    Token API (what MAE uses): `patch_tokens(images)` gives the embedded
    patch tokens, position embeddings added, `(N, P, hidden_dim)`, in
    row-major grid order; `encode_tokens(tokens)` runs the class token,
    the blocks and the final norm on any subset of them (e.g. the visible
    patches), `(N, 1 + T, hidden_dim)`, token 0 the class token;
    `pool_tokens(encoded)` applies the pooling. `encoder(images)` is
    `pool_tokens(encode_tokens(patch_tokens(images)))`.

    Args:
        input_shape: tuple `(H, W, C)`. Image size the position embeddings
            are learned for; `patch_size` must divide H and W.
        patch_size: int. Side of the square patches.
        hidden_dim: int. Token width (and feature size).
        num_layers: int. Transformer blocks.
        num_heads: int. Attention heads; must divide `hidden_dim`.
        mlp_dim: int or None. Hidden width of each block's MLP; None: 2 *
            hidden_dim (the paper's 4x is more than small images need).
        dropout: float. Dropout inside the blocks.
        pooling: `"cls"` or `"mean"`. What the output vector is.
        include_rescaling: bool. Start with `Rescaling(1 / 255)` (pixels in
            0-255, Keras's convention); False: the caller scales pixels.
        name: string. Model name.

    Example:
    ```python
    vit = keras_ssl.encoders.ViT(input_shape=(28, 28, 1))
    vit(np.zeros((2, 28, 28, 1))).shape  # (2, 64)
    vit(np.zeros((2, 12, 12, 1))).shape  # (2, 64): embeddings interpolated
    tokens = vit.patch_tokens(np.zeros((2, 28, 28, 1)))  # (2, 49, 64)
    vit.encode_tokens(tokens[:, :12]).shape  # (2, 13, 64)
    bigger = keras_ssl.encoders.ViT(
        input_shape=(32, 32, 3), hidden_dim=128, num_layers=6, pooling="mean"
    )
    ```
    """

    def __init__(
        self,
        input_shape=(28, 28, 1),
        patch_size=4,
        hidden_dim=64,
        num_layers=4,
        num_heads=4,
        mlp_dim=None,
        dropout=0.0,
        pooling="cls",
        include_rescaling=True,
        name="vit",
        **kwargs,
    ):
        input_shape = tuple(input_shape)
        mlp_dim = 2 * hidden_dim if mlp_dim is None else mlp_dim
        grid = _check_sizes(
            input_shape, patch_size, hidden_dim, num_layers, num_heads, mlp_dim
        )
        if pooling not in TOKEN_POOLINGS:
            raise ValueError(f"pooling must be one of {TOKEN_POOLINGS}; got {pooling!r}.")

        # === Functional model ===
        inputs = keras.Input(shape=input_shape, name="images")
        x = rescale_pixels(inputs, include_rescaling)
        x = PatchEmbedding(patch_size, hidden_dim, name="patch_embedding")(x)
        x = PatchPositionEmbedding(grid, name="position_embedding")(x)
        x = ClassToken(name="class_token")(x)
        for index in range(num_layers):
            x = TransformerBlock(
                num_heads, mlp_dim, dropout=dropout, name=f"block{index}"
            )(x)
        x = keras.layers.LayerNormalization(epsilon=1e-6, name="norm")(x)
        outputs = TokenPooling(pooling, name="pool")(x)
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)
        # Any image size patch_size divides: only the channels are fixed.
        self.input_spec = keras.layers.InputSpec(ndim=4, axes={-1: input_shape[-1]})

        # === Config ===
        self.image_shape = input_shape
        self.patch_size = int(patch_size)
        self.hidden_dim = int(hidden_dim)
        self.num_layers = int(num_layers)
        self.num_heads = int(num_heads)
        self.mlp_dim = int(mlp_dim)
        self.dropout = float(dropout)
        self.pooling = pooling
        self.include_rescaling = bool(include_rescaling)
        self.grid_size = grid
        self.num_patches = grid[0] * grid[1]

    # --- Token API ----------------------------------------------------------

    @property
    def blocks(self):
        """The transformer blocks, in order."""
        return [self.get_layer(f"block{index}") for index in range(self.num_layers)]

    def patch_tokens(self, images, training=False):
        """Embedded patches plus position embeddings, `(N, P, hidden_dim)`.

        Args:
            images: `(N, H, W, C)`, pixels 0-255 (or as `include_rescaling`
                says); any H, W that `patch_size` divides.
            training: bool.
        """
        x = images
        if self.include_rescaling:
            x = self.get_layer("rescaling")(x)
        x = self.get_layer("patch_embedding")(x)
        return self.get_layer("position_embedding")(x)

    def encode_tokens(self, tokens, training=False):
        """Class token, transformer blocks and final norm on `tokens`.

        Args:
            tokens: `(N, T, hidden_dim)`, e.g. a subset of `patch_tokens`.
            training: bool.

        Returns:
            `(N, 1 + T, hidden_dim)`; token 0 is the class token.
        """
        x = self.get_layer("class_token")(tokens)
        for block in self.blocks:
            x = block(x, training=training)
        return self.get_layer("norm")(x)

    def pool_tokens(self, encoded):
        """The output vector of `encode_tokens`'s result, `(N, hidden_dim)`."""
        return self.get_layer("pool")(encoded)

    # --- Config -------------------------------------------------------------

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "input_shape": self.image_shape,
            "patch_size": self.patch_size,
            "hidden_dim": self.hidden_dim,
            "num_layers": self.num_layers,
            "num_heads": self.num_heads,
            "mlp_dim": self.mlp_dim,
            "dropout": self.dropout,
            "pooling": self.pooling,
            "include_rescaling": self.include_rescaling,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    # `ViT.from_preset(name)`: the pretrained encoder of an SSL preset.
    from_preset = classmethod(encoder_from_preset)
