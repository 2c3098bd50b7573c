"""NNCLR: nearest neighbours from a support set as contrastive positives."""

from keras import ops

from keras_ssl.backend.cross_replica import all_gather_batch
from keras_ssl.backend.cross_replica import num_replicas
from keras_ssl.heads.prediction_head import PredictionHead
from keras_ssl.heads.projection_head import ProjectionHead
from keras_ssl.inputs import ImageInputs
from keras_ssl.losses.nnclr_loss import nearest_neighbours
from keras_ssl.losses.nnclr_loss import nnclr_loss
from keras_ssl.methods.joint_embedding import JointEmbeddingModel
from keras_ssl.methods.memory_queue import MemoryQueue
from keras_ssl.methods.registry import register_method

__all__ = ["NNCLR"]


@register_method("nnclr")
class NNCLR(JointEmbeddingModel):
    """NNCLR (Dwibedi et al. 2021): Nearest-Neighbour Contrastive Learning.

    Each image gets two views; the encoder and projector map them to z1,
    z2, and a predictor maps those to p1, p2. Each projection's positive is
    its nearest neighbour (cosine) in a support set Q of projections of
    earlier batches, and the loss follows the paper's pseudo-code,
    `L(NN(z1, Q), p2) / 2 + L(NN(z2, Q), p1) / 2`, with `L` the
    cross-entropy of each neighbour against the predictions of the (global)
    batch at temperature tau (`keras_ssl.losses.nnclr_loss`). After the
    loss, once per (global) step, the gathered z1 are enqueued in Q, the
    oldest dropped (the pseudo-code's `update_queue(Q, z1)`).

    Q, its pointer and its fill count are model weights, so `.keras` files
    and `BackupAndRestore` resume exactly. Q starts empty: rows not yet
    written are never a neighbour, and in the very first step (Q empty)
    each projection is its own positive. A support set smaller than one
    global batch is an error, raised when the first step is traced with a
    known batch size (always on JAX).

    Deviations from the paper, for a small ConvNet on a few thousand 28x28
    digits: `support_set_size=1024` instead of 98,304 (a quarter of a
    4,000-image set, four batches of 256, so neighbours are recent and
    not the image itself; the paper's is ~8% of ImageNet); hidden widths
    1024 instead of the projector's 2048 and the predictor's 4096 (layers
    as in the paper: projector `[h, h, 256]`, BatchNorm on every layer,
    ReLU on all but the last; predictor `[h', 256]`, BatchNorm and ReLU on
    the hidden layer only); `compile()`'s default Adam(1e-3) instead of
    LARS; the `"byol"` views (the paper's), `digit_views()` for 1-channel
    images. The paper's text also mentions a transposed softmax term;
    Algorithm 1, followed here, has none.

    Reference: https://arxiv.org/abs/2104.14548

    Args:
        encoder: `keras.Model` mapping images `(N, H, W, C)` to vectors.
        temperature: float > 0. tau of the loss (paper: 0.1).
        support_set_size: int > 0. Projections in the support set (paper:
            98,304); at least the global batch size.
        projection_hidden_units: tuple of int. Hidden widths of the
            projector (paper: (2048, 2048)).
        projection_units: int. Width of the projection and of the
            predictor's output (paper: 256).
        prediction_hidden_units: tuple of int. Hidden widths of the
            predictor (paper: (4096,)).
        augmentation: None, a layer or callable, or a pair of them for the
            two views; see `keras_ssl.augment`. None picks `"byol"`.
        seed: int or None. Seed of the views.
        **kwargs: `keras.Model` arguments (`name`, ...).

    Example:
    ```python
    x_train, _ = keras_ssl.datasets.mnist5k("train")
    model = keras_ssl.NNCLR(
        encoder=keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)),
        support_set_size=1024,
    )
    model.compile()
    model.fit(x_train, epochs=10, batch_size=256)
    features = model.encoder.predict(x_train)
    ```
    """

    inputs_class = ImageInputs
    view_recipe = "byol"

    def __init__(
        self,
        encoder,
        temperature=0.1,
        support_set_size=1024,
        projection_hidden_units=(1024, 1024),
        projection_units=256,
        prediction_hidden_units=(1024,),
        augmentation=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            encoder=encoder, augmentation=augmentation, seed=seed, **kwargs
        )
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0; got {temperature}.")
        if int(support_set_size) <= 0:
            raise ValueError(
                f"support_set_size must be a positive number of projections; "
                f"got {support_set_size}."
            )
        # === Config ===
        self.temperature = float(temperature)
        self.support_set_size = int(support_set_size)
        self.projection_hidden_units = tuple(projection_hidden_units)
        self.projection_units = int(projection_units)
        self.prediction_hidden_units = tuple(prediction_hidden_units)

        # === Layers ===
        self.projector = ProjectionHead(
            hidden_units=self.projection_hidden_units,
            output_units=self.projection_units,
            output_batch_norm=True,
            name="projector",
        )
        self.projector.build((None, self.feature_dim))
        self.predictor = PredictionHead(
            hidden_units=self.prediction_hidden_units,
            output_units=self.projection_units,
            name="predictor",
        )
        self.predictor.build((None, self.projection_units))
        self.support_set = MemoryQueue(
            self.support_set_size, self.projection_units, name="support_set"
        )

    def projections_and_predictions(self, images, training):
        """`(z1, z2, p1, p2)` of the two views, in one pass (BatchNorm sees
        all 2N views)."""
        views = ops.concatenate(self.make_views(images), axis=0)
        features = self.encoder(views, training=training)
        projections = self.projector(features, training=training)
        predictions = self.predictor(projections, training=training)
        z1, z2 = ops.split(projections, 2, axis=0)
        p1, p2 = ops.split(predictions, 2, axis=0)
        return z1, z2, p1, p2

    def compute_ssl_loss(self, images, training):
        z1, z2, p1, p2 = self.projections_and_predictions(images, training)
        support, filled = self.support_set.values.value, self.support_set.filled.value
        nn1 = nearest_neighbours(z1, support, filled)
        nn2 = nearest_neighbours(z2, support, filled)
        loss = (
            ops.mean(nnclr_loss(nn1, p2, self.temperature))
            + ops.mean(nnclr_loss(nn2, p1, self.temperature))
        ) / 2.0
        if training:
            local = z1.shape[0]
            if local is not None:
                self.support_set.check_capacity(
                    local * num_replicas(), "support_set_size"
                )
            gathered, _ = all_gather_batch(ops.cast(z1, "float32"))
            self.support_set.push(gathered)
        return loss

    def check_batch_capacity(self, count):
        """Raise if a global batch of `count` projections does not fit the
        support set."""
        self.support_set.check_capacity(count, "support_set_size")

    def get_config(self):
        config = super().get_config()
        config.update(
            temperature=self.temperature,
            support_set_size=self.support_set_size,
            projection_hidden_units=self.projection_hidden_units,
            projection_units=self.projection_units,
            prediction_hidden_units=self.prediction_hidden_units,
        )
        return config
