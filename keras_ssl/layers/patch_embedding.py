"""Cut images into non-overlapping patches and embed each one linearly."""

import keras
from keras import ops

from keras_ssl.serialization import keras_ssl_serializable


def check_patch_grid(height, width, patch_size):
    """Return the patch grid `(H // p, W // p)`; raise if `p` does not divide.

    Args:
        height: int or None. Image height (None: unknown, not checked).
        width: int or None. Image width.
        patch_size: int. Side of a square patch.
    """
    for side, size in (("height", height), ("width", width)):
        if size is not None and (size < patch_size or size % patch_size):
            raise ValueError(
                f"Image {side} {size} is not a multiple of patch_size "
                f"{patch_size}: a ViT cuts images into whole patches. Resize "
                f"or crop the images, or choose a patch_size that divides "
                f"{size}."
            )
    if height is None or width is None:
        return None
    return height // patch_size, width // patch_size


@keras_ssl_serializable
class PatchEmbedding(keras.layers.Layer):
    """Linear embedding of non-overlapping `p x p` patches (ViT's stem).

    A `p x p` convolution with stride `p`, which is the same as flattening
    each patch and applying one dense layer to it (Dosovitskiy et al. 2021,
    https://arxiv.org/abs/2010.11929, Sec. 3.1). The output keeps the patch
    grid, `(N, H / p, W / p, hidden_dim)`, so a position embedding can be
    resized to it.

    Args:
        patch_size: int. Side of a square patch; must divide H and W.
        hidden_dim: int. Width of each patch token.
        **kwargs: `keras.layers.Layer` arguments (`name`, `dtype`).

    Example:
    ```python
    layer = keras_ssl.layers.PatchEmbedding(patch_size=4, hidden_dim=64)
    layer(np.zeros((2, 28, 28, 1))).shape  # (2, 7, 7, 64)
    ```
    """

    def __init__(self, patch_size, hidden_dim, **kwargs):
        super().__init__(**kwargs)
        if int(patch_size) < 1 or int(hidden_dim) < 1:
            raise ValueError(
                f"patch_size and hidden_dim must be positive ints; got "
                f"{patch_size} and {hidden_dim}."
            )
        self.patch_size = int(patch_size)
        self.hidden_dim = int(hidden_dim)
        self.projection = keras.layers.Conv2D(
            self.hidden_dim,
            self.patch_size,
            strides=self.patch_size,
            padding="valid",
            kernel_initializer=keras.initializers.GlorotUniform(),
            dtype=self.dtype_policy,
            name="projection",
        )

    def build(self, input_shape):
        check_patch_grid(input_shape[1], input_shape[2], self.patch_size)
        self.projection.build(input_shape)

    def call(self, images):
        shape = ops.shape(images)
        static = [s if isinstance(s, int) else None for s in shape[1:3]]
        check_patch_grid(static[0], static[1], self.patch_size)
        return self.projection(images)

    def compute_output_shape(self, input_shape):
        grid = [
            None if size is None else size // self.patch_size
            for size in input_shape[1:3]
        ]
        return (input_shape[0], grid[0], grid[1], self.hidden_dim)

    def get_config(self):
        config = super().get_config()
        config.update(patch_size=self.patch_size, hidden_dim=self.hidden_dim)
        return config
