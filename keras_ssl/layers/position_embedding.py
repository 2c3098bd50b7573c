"""Learned 2-D position embeddings of a patch grid, resized to other grids."""

import keras
from keras import ops

from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class PatchPositionEmbedding(keras.layers.Layer):
    """Add learned position embeddings to a patch grid, then flatten it.

    Holds one embedding per cell of the grid the ViT was built for. A grid
    of another size (an image of another size, e.g. a DINO local crop) gets
    the embeddings bilinearly interpolated to its size, as the ViT paper
    does when fine-tuning at a higher resolution (Dosovitskiy et al. 2021,
    https://arxiv.org/abs/2010.11929, Sec. 3.2). Bilinear, not bicubic, so
    that TensorFlow and JAX give the same values.

    Args:
        grid_size: tuple `(rows, cols)`. The patch grid of the built size.
        **kwargs: `keras.layers.Layer` arguments (`name`, `dtype`).

    Input: `(N, rows', cols', D)` patch tokens in grid order. Output:
    `(N, rows' * cols', D)`, row-major.

    Example:
    ```python
    layer = keras_ssl.layers.PatchPositionEmbedding(grid_size=(7, 7))
    layer(np.zeros((2, 7, 7, 64))).shape  # (2, 49, 64)
    layer(np.zeros((2, 3, 3, 64))).shape  # (2, 9, 64), interpolated
    ```
    """

    def __init__(self, grid_size, **kwargs):
        super().__init__(**kwargs)
        self.grid_size = tuple(int(size) for size in grid_size)
        if len(self.grid_size) != 2 or min(self.grid_size) < 1:
            raise ValueError(
                f"grid_size must be (rows, cols) of positive ints; got "
                f"{grid_size}."
            )

    def build(self, input_shape):
        self.embeddings = self.add_weight(
            shape=self.grid_size + (input_shape[-1],),
            initializer=keras.initializers.TruncatedNormal(stddev=0.02),
            name="embeddings",
        )

    def embeddings_for(self, rows, cols):
        """The `(rows, cols, D)` embeddings: the learned ones, or resized."""
        embeddings = ops.convert_to_tensor(self.embeddings)
        if (rows, cols) == self.grid_size:
            return embeddings
        resized = ops.image.resize(
            embeddings[None], (rows, cols), interpolation="bilinear",
            antialias=False, data_format="channels_last",
        )
        return resized[0]

    def call(self, grid):
        _, rows, cols, dim = ops.shape(grid)
        embeddings = ops.cast(self.embeddings_for(rows, cols), grid.dtype)
        return ops.reshape(grid + embeddings[None], (-1, rows * cols, dim))

    def compute_output_shape(self, input_shape):
        _, rows, cols, dim = input_shape
        tokens = None if rows is None or cols is None else rows * cols
        return (input_shape[0], tokens, dim)

    def get_config(self):
        config = super().get_config()
        config.update(grid_size=self.grid_size)
        return config
