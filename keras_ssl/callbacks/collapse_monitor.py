"""`CollapseMonitor` callback: log the embedding spread, warn on collapse."""

import math
import warnings

from keras_ssl.callbacks.encoder_monitor import EncoderMonitor
from keras_ssl.evaluation.embedding_std import embedding_std
from keras_ssl.evaluation.features import check_inputs
from keras_ssl.evaluation.features import extract_features


class CollapseWarning(UserWarning):
    """Issued by `CollapseMonitor` when the embeddings have collapsed.

    Turn it into an error to stop at once:
    `warnings.simplefilter("error", keras_ssl.callbacks.CollapseWarning)`.
    """


class CollapseMonitor(EncoderMonitor):
    """Log how spread out the embeddings are; warn when they collapse.

    At the end of scheduled epochs the encoder embeds `data` (a fixed
    sample of inputs), each embedding is L2-normalised, and the mean over
    dimensions of the per-dimension standard deviation is logged as `name`
    (default `embedding_std`; `keras_ssl.evaluation.embedding_std`). It is
    0 when every input maps to the same direction (complete collapse, the
    failure mode of non-contrastive methods) and about `1 / sqrt(d)` for
    well-spread, zero-mean d-dimensional embeddings such as projection-head
    outputs (Chen & He 2021, section 4.1). Non-negative features (after a
    ReLU and pooling, like `ConvNet`'s) share a mean direction and sit
    lower: a random-init or briefly trained `ConvNet` gives about 0.0075 on
    MNIST, 0.085 x `1 / sqrt(128)`. When the value falls below
    `collapse_ratio / sqrt(d)` a `CollapseWarning` is issued (and training
    stops if `stop_on_collapse`); the default ratio, 0.01, is below what
    healthy ReLU features give and well above a collapsed encoder's ~0.

    Schedule, state and backends: as `LinearProbe` (first epoch, multiples
    of `every_n_epochs`, last epoch; values repeated in between; the
    training run is not disturbed).

    Reference: https://arxiv.org/abs/2011.10566

    Args:
        data: inputs to embed (no labels): images (pixels 0-255,
            uint8 or float), strings, or a batched `tf.data.Dataset`; a few hundred
            examples suffice.
        every_n_epochs: int. Measure every this many epochs.
        collapse_ratio: float. Warn when the std is below this fraction of
            the healthy value `1 / sqrt(d)`.
        stop_on_collapse: bool. Also set `model.stop_training`.
        name: string. The log key.
        encoder: `keras.Model` giving the embeddings; None for the trained
            model's `encoder` (or the model itself if it has none). Pass a
            model ending in the projection head to watch the head instead.
        batch_size: int. Batch size of the forward passes.

    Example:
    ```python
    x_train, _ = keras_ssl.datasets.mnist5k("train")
    monitor = keras_ssl.callbacks.CollapseMonitor(x_train[:512])
    history = model.fit(x_train, epochs=10, callbacks=[monitor])
    history.history["embedding_std"]  # ~0.0075; 0 means collapsed
    ```
    """

    def __init__(
        self,
        data,
        every_n_epochs=1,
        collapse_ratio=0.01,
        stop_on_collapse=False,
        name="embedding_std",
        encoder=None,
        batch_size=256,
    ):
        super().__init__(encoder=encoder, every_n_epochs=every_n_epochs)
        if not 0 < collapse_ratio < 1:
            raise ValueError(
                f"collapse_ratio must be in (0, 1); got {collapse_ratio!r}."
            )
        self.data = data
        self.collapse_ratio = collapse_ratio
        self.stop_on_collapse = stop_on_collapse
        self.name = name
        self.batch_size = batch_size

    def check(self, encoder):
        check_inputs(encoder, self.data, labeled=False)

    def measure(self, encoder):
        embeddings = extract_features(encoder, self.data, self.batch_size)
        value = embedding_std(embeddings)
        dim = embeddings.shape[1]
        healthy = 1.0 / math.sqrt(dim)
        if value < self.collapse_ratio * healthy:
            warnings.warn(
                f"CollapseMonitor: the embeddings have collapsed: {self.name} "
                f"is {value:.3g}, below {self.collapse_ratio:g} x the healthy "
                f"1/sqrt({dim}) = {healthy:.3g}; the encoder maps all inputs "
                f"to nearly the same direction and its features are useless. "
                f"Check the learning rate, the augmentations and (BYOL, "
                f"SimSiam) the predictor and target update.",
                CollapseWarning,
                stacklevel=2,
            )
            if self.stop_on_collapse:
                self.model.stop_training = True
        return {self.name: value}
