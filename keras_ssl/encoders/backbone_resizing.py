"""A keras-hub image backbone rebuilt for another image size, same weights."""

from keras import layers
from keras import ops

from keras_ssl.encoders.position_interpolation import interpolate_position_embeddings


def _is_keras_hub_vit_embedding(layer):
    """keras-hub's `ViTPatchingAndEmbedding` (checked without importing
    keras-hub): patch convolution, class token, fixed position table."""
    kind = type(layer)
    return kind.__name__ == "ViTPatchingAndEmbedding" and (
        kind.__module__.startswith("keras_hub")
    )


class ViTEmbeddingAtSize(layers.Layer):
    """keras-hub's `ViTPatchingAndEmbedding`, run on images of another size.

    It calls the source layer's own patch convolution, class token and
    position-embedding table (its variables, not copies: gradients reach
    them), with the table's patch part interpolated to the new grid by
    `interpolate_position_embeddings` (the class token's position kept), as
    DINO does for its local crops (https://arxiv.org/abs/2104.14294). It
    lives only inside a `ResizedBackbone`, which is made again when needed
    and never saved; hence no `get_config`.

    Args:
        source: the backbone's `ViTPatchingAndEmbedding` layer.
        image_size: tuple `(height, width)`, multiples of its patch size.
        **kwargs: `keras.layers.Layer` arguments.

    Example:
    ```python
    source = vit_backbone.get_layer("vit_patching_and_embedding")
    tokens = ViTEmbeddingAtSize(source, (8, 8))(np.zeros((2, 8, 8, 3)))
    ```
    """

    def __init__(self, source, image_size, **kwargs):
        kwargs.setdefault("name", f"{source.name}_{image_size[0]}x{image_size[1]}")
        kwargs.setdefault("dtype", source.dtype_policy)
        super().__init__(**kwargs)
        patch = tuple(source.patch_size)
        image_size = tuple(int(size) for size in image_size)
        if image_size[0] % patch[0] or image_size[1] % patch[1]:
            raise ValueError(
                f"the patch size {patch} does not divide the image size "
                f"{image_size}"
            )
        self.source = source
        self.grid_size = (image_size[0] // patch[0], image_size[1] // patch[1])
        self.source_grid = tuple(s // p for s, p in zip(source.image_size, patch))
        self.num_prefix_tokens = 1 if source.use_class_token else 0
        self.built = True

    def call(self, images):
        source = self.source
        patches = source.patch_embedding(images)
        if source.data_format == "channels_first":
            patches = ops.transpose(patches, (0, 2, 3, 1))
        batch = ops.shape(patches)[0]
        patches = ops.reshape(
            patches, (batch, self.grid_size[0] * self.grid_size[1], source.hidden_dim)
        )
        table = source.position_embedding(source.position_ids)  # (1, T, D)
        table = interpolate_position_embeddings(
            table, self.source_grid, self.grid_size, self.num_prefix_tokens
        )
        if self.num_prefix_tokens:
            class_token = ops.tile(source.class_token, (batch, 1, 1))
            patches = ops.concatenate([ops.cast(class_token, patches.dtype), patches], axis=1)
        return ops.add(patches, ops.cast(table, patches.dtype))

    def compute_output_shape(self, input_shape):
        tokens = self.num_prefix_tokens + self.grid_size[0] * self.grid_size[1]
        return (input_shape[0], tokens, self.source.hidden_dim)


def _layer_chain(backbone):
    """The backbone's layers in order, when its graph is a chain (each
    layer takes the previous one's output, as keras-hub's ViT does)."""
    try:
        tensor = backbone.input
        chain = [layer for layer in backbone.layers
                 if not isinstance(layer, layers.InputLayer)]
        for layer in chain:  # `input`: the first call's, i.e. the backbone's.
            if layer.input is not tensor:
                raise ValueError(
                    f"the layer {layer.name!r} does not take the previous one's output"
                )
            tensor = layer.output
        if not chain or tensor is not backbone.output:
            raise ValueError("its last layer's output is not the backbone's output")
    except (AttributeError, ValueError) as error:
        raise ValueError(f"its graph is not a chain of layers ({error})") from error
    return chain


class ResizedBackbone(layers.Layer):
    """A chain-shaped functional backbone, rebuilt for another image size.

    Runs the backbone's own layers (the same objects, hence the same
    variables) in order, except keras-hub ViT's patch embedding, which is
    replaced by a `ViTEmbeddingAtSize` that interpolates its position
    embeddings over the new patch grid. Made by `resize_backbone`; never
    saved (it holds no weights of its own), hence no `get_config`.

    Args:
        backbone: a functional `keras.Model` whose layers form a chain.
        image_shape: tuple `(H, W, C)`. The new image size.
        **kwargs: `keras.layers.Layer` arguments.

    Example:
    ```python
    small = ResizedBackbone(vit_backbone, (8, 8, 3))
    small(np.zeros((2, 8, 8, 3)))
    ```
    """

    def __init__(self, backbone, image_shape, **kwargs):
        image_shape = tuple(int(size) for size in image_shape)
        kwargs.setdefault("name", f"{backbone.name}_{image_shape[0]}x{image_shape[1]}")
        kwargs.setdefault("dtype", backbone.dtype_policy)
        super().__init__(**kwargs)
        self.image_shape = image_shape
        self.chain = [
            ViTEmbeddingAtSize(layer, image_shape[:2])
            if _is_keras_hub_vit_embedding(layer) else layer
            for layer in _layer_chain(backbone)
        ]
        self.built = True

    def call(self, images, training=None):
        x = images
        for layer in self.chain:  # `training` reaches them by the call context.
            x = layer(x)
        return x

    def compute_output_spec(self, images, training=None):
        x = images
        for layer in self.chain:
            x = layer.compute_output_spec(x)
        return x


def resize_backbone(backbone, image_shape):
    """`backbone` rebuilt for images of `image_shape`, sharing its weights.

    A `ResizedBackbone`: the backbone's layers, the same objects (so the
    same variables), run in order on the new size, except keras-hub ViT's
    patch embedding, whose position embeddings are interpolated over the
    new patch grid (DINO's `interpolate_pos_encoding`,
    https://arxiv.org/abs/2104.14294). It is tracked by nothing: it adds
    no variables, and gradients through it reach the backbone's own. It is
    built from tensors, not symbolically, so it can be made inside a
    compiled train step too (on JAX, whose trainer empties the variables
    there). A trial run on one blank image checks that it works.

    Args:
        backbone: a functional `keras.Model` (a keras-hub `Backbone`)
            taking images `(N, H, W, C)`, its layers a chain (keras-hub's
            `ViTBackbone` is one).
        image_shape: tuple `(H', W', C)`. The new image size.

    Returns:
        A `ResizedBackbone` layer taking `(N, H', W', C)`.

    Raises:
        ValueError: the backbone cannot be rebuilt at that size (not a
            chain of layers, a patch size that does not divide it, or a
            layer tied to its size: DINOv2's, CLIP's and other embeddings
            with fixed position tables not handled here).

    Example:
    ```python
    vit = keras_hub.models.ViTBackbone(
        image_shape=(16, 16, 3), patch_size=4, num_layers=1, num_heads=2,
        hidden_dim=16, mlp_dim=32,
    )
    small = resize_backbone(vit, (8, 8, 3))
    small(np.zeros((2, 8, 8, 3))).shape  # (2, 5, 16): class + 2x2 patches
    ```
    """
    try:
        resized = ResizedBackbone(backbone, image_shape)
        blank = ops.zeros((1,) + resized.image_shape, dtype=backbone.input.dtype)
        resized(blank, training=False)
    except Exception as error:  # Keras and the backends raise several types.
        raise ValueError(
            f"the backbone {backbone.name!r} cannot be rebuilt for images of "
            f"shape {tuple(image_shape)}: {error}"
        ) from error
    return resized
