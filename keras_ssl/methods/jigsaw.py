"""Jigsaw: learn features by solving 3x3 jigsaw puzzles of image tiles."""

import keras
from keras import ops

from keras_ssl.augment.jigsaw_permutations import maximal_hamming_permutations
from keras_ssl.augment.jigsaw_tiles import NUM_TILES
from keras_ssl.augment.jigsaw_tiles import jigsaw_geometry
from keras_ssl.augment.jigsaw_tiles import random_jigsaw_puzzles
from keras_ssl.heads.jigsaw_head import JigsawHead
from keras_ssl.inputs import ImageInputs
from keras_ssl.methods.registry import register_method
from keras_ssl.methods.ssl_model import SSLModel

__all__ = ["Jigsaw"]


@register_method("jigsaw")
class Jigsaw(SSLModel):
    """Jigsaw puzzles (Noroozi & Favaro 2016, "context-free network").

    Inside each training step every image becomes a puzzle: a 3x3 grid of
    cells is placed at a random origin, a tile is cut at a random offset
    inside each cell (the random gap and jitter that keep the network from
    matching edges), and the 9 tiles are put in the order of one of a fixed
    set of permutations, drawn per image. The encoder embeds the N * 9
    tiles in one pass (shared weights, the paper's siamese branches), the
    tile features are concatenated in slot order and `JigsawHead`
    classifies the permutation with cross-entropy. `permutation_accuracy`
    is logged next to the loss.

    The permutation set is the paper's greedy maximal-Hamming-distance one
    (`keras_ssl.augment.jigsaw_permutations.maximal_hamming_permutations`),
    rebuilt from `num_permutations` and `permutation_seed`.

    Tile size: cells are a third of the image, tiles the paper's 64/75 of a
    cell (its 64-pixel tiles in 75-pixel cells), rounded down. On 28x28
    images the grid covers 27x27 pixels (origin 0 or 1 each way), cells are
    9x9 and tiles 7x7: 0-2 pixels of jitter per tile, a gap of 0-4 (mean 2)
    pixels between neighbours. The encoder must take 7x7 inputs (ConvNet's
    default three stages pool them to 3x3 then 1x1). Since it is fully
    convolutional with global pooling, the pretrained encoder then takes
    whole 28x28 images for probing and fine-tuning. Not done here: the
    paper's per-tile mean/std normalization and colour jitter (shortcuts of
    natural RGB images; digits are grayscale, and the probe sees raw images).

    Reference: https://arxiv.org/abs/1603.09246

    Args:
        encoder: `keras.Model` mapping images `(N, H, W, C)` of any spatial
            size (at least the tile size) to vectors.
        num_permutations: int in [2, 1000]. Puzzle classes (paper: 100 to
            1,000).
        permutation_seed: int. Seed of the permutation set (part of the task:
            keep it to resume training).
        tile_size: int or None. Tile side in pixels, at most the cell side;
            None for the paper's 64/75 of a cell.
        head_hidden_units: tuple of int. Hidden Dense-BN-ReLU widths of the
            head on the concatenated tile features (the paper's fc7).
        seed: int or None. Seed of the model's random ops (puzzles).

    Example:
    ```python
    x_train, _ = keras_ssl.datasets.mnist5k("train")
    model = keras_ssl.Jigsaw(
        encoder=keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)), seed=0
    )
    model.compile()
    history = model.fit(x_train, epochs=5)
    history.history["permutation_accuracy"]
    features = model.encoder.predict(x_train)  # whole 28x28 images
    ```
    """

    inputs_class = ImageInputs

    def __init__(
        self,
        encoder,
        num_permutations=100,
        permutation_seed=0,
        tile_size=None,
        head_hidden_units=(512,),
        seed=None,
        **kwargs,
    ):
        super().__init__(encoder=encoder, seed=seed, **kwargs)
        height, width, channels = self.input_format.image_shape
        self.cell_size, self.tile = jigsaw_geometry(height, width, tile_size)
        self._check_encoder_takes_tiles(channels)
        self.permutations = maximal_hamming_permutations(
            num_permutations, seed=permutation_seed, num_tiles=NUM_TILES
        )
        self.num_permutations = int(num_permutations)
        self.permutation_seed = int(permutation_seed)
        self.tile_size = tile_size
        self.head_hidden_units = tuple(head_hidden_units)
        self.head = JigsawHead(
            self.num_permutations, hidden_units=self.head_hidden_units,
            name="jigsaw_head",
        )
        self.head.build((None, NUM_TILES * self.feature_dim))
        self.permutation_accuracy = keras.metrics.SparseCategoricalAccuracy(
            name="permutation_accuracy"
        )

    def _check_encoder_takes_tiles(self, channels):
        shape = (None, self.tile, self.tile, channels)
        try:
            output = self.encoder.compute_output_shape(shape)
        except Exception as error:  # the encoder's own message follows
            output = error
        if not isinstance(output, tuple) or output[-1] != self.feature_dim:
            raise ValueError(
                f"The encoder {self.encoder.name!r} does not take jigsaw tiles of "
                f"{self.tile}x{self.tile} ({output}). Use an encoder that pools "
                f"globally over any image size with fewer downsampling stages "
                f"(e.g. ConvNet with at most 3 stages for 7x7 tiles), larger "
                f"images, or a larger tile_size."
            )

    def make_puzzles(self, images):
        """Shuffled tiles `(N, 9, t, t, C)` and permutation labels `(N,)`,
        drawn from the model's seed (see `random_jigsaw_puzzles`)."""
        return random_jigsaw_puzzles(
            images, self.permutations, self.cell_size, self.tile, self.seed_generator
        )

    def compute_ssl_loss(self, images, training):
        tiles, labels = self.make_puzzles(images)
        channels = images.shape[-1]
        features = self.encoder(
            ops.reshape(tiles, (-1, self.tile, self.tile, channels)), training=training
        )
        # Slot-major concatenation: the 9 tile vectors of a puzzle in a row.
        features = ops.reshape(features, (-1, NUM_TILES * self.feature_dim))
        logits = ops.cast(self.head(features, training=training), "float32")
        self.permutation_accuracy.update_state(labels, logits)
        return ops.mean(
            ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            num_permutations=self.num_permutations,
            permutation_seed=self.permutation_seed,
            tile_size=self.tile_size,
            head_hidden_units=self.head_hidden_units,
        )
        return config
