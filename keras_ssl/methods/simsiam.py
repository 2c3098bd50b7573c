"""SimSiam: a Siamese network with a predictor and a stop-gradient."""

import keras
from keras import ops

from keras_ssl.heads.prediction_head import PredictionHead
from keras_ssl.heads.projection_head import ProjectionHead
from keras_ssl.inputs import ImageInputs
from keras_ssl.losses.negative_cosine_similarity import negative_cosine_similarity
from keras_ssl.methods.joint_embedding import JointEmbeddingModel
from keras_ssl.methods.registry import register_method

__all__ = ["SimSiam"]


@register_method("simsiam")
class SimSiam(JointEmbeddingModel):
    """SimSiam (Chen & He 2021): Exploring Simple Siamese Representation Learning.

    Each image gets two views; one network (encoder, projector) maps both to
    projections `z1, z2`, and a predictor maps those to `p1, p2`. The loss
    is the symmetric negative cosine similarity
    `D(p1, stopgrad(z2)) / 2 + D(p2, stopgrad(z1)) / 2`: no negatives, no
    moving-average target; the stop-gradient is what prevents collapse.

    The heads are the paper's: "The projection MLP ... has BN applied to
    each fully-connected (fc) layer, including its output fc. Its output fc
    has no ReLU ... This MLP has 3 layers. The prediction MLP has BN applied
    to its hidden fc layers. Its output fc does not have BN or ReLU. This
    MLP has 2 layers", with a bottleneck: the predictor's hidden layer is a
    quarter of its output (2048 -> 512 -> 2048 in the paper).

    Deviations from the paper, for small encoders on small images (a
    128-wide ConvNet on 28x28 digits): the projection is 512 wide (paper:
    2048, the width of its ResNet-50's features), so the predictor is
    512 -> 128 -> 512; `compile()` defaults to Adam (1e-3) instead of SGD
    with a fixed learning rate for the predictor.

    `projection_std`, the std over the batch of the L2-normalized
    projections averaged over dimensions (the paper's collapse measure,
    about `1 / sqrt(d)` when healthy and 0 when collapsed), is logged with
    the loss.

    Reference: https://arxiv.org/abs/2011.10566

    Args:
        encoder: `keras.Model` mapping images `(N, H, W, C)` to vectors.
        projection_hidden_units: tuple of int. Hidden widths of the
            projector (paper: 2048, 2048).
        projection_units: int. Width of the projection and of the
            predictor's output (paper: 2048).
        prediction_hidden_units: tuple of int, or None for one bottleneck
            layer of `projection_units // 4` (the paper's 512 for 2048).
        stop_gradient: bool. Stop the gradient through the projections the
            predictions are compared with (the method). False is the
            paper's ablation (Sec. 4.1), which collapses; for studies only.
        augmentation: None, a layer or callable, or a pair of them; see
            `keras_ssl.augment`. None picks the `"simclr"` view recipe (the
            paper's symmetric SimCLR/MoCo v2 augmentation; `digit_views()`
            for 1-channel images).
        seed: int or None. Seed of the views.
        **kwargs: `keras.Model` arguments (`name`, ...).

    Example:
    ```python
    x_train, _ = keras_ssl.datasets.mnist5k("train")
    model = keras_ssl.SimSiam(
        encoder=keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    )
    model.compile()
    model.fit(x_train, epochs=10, batch_size=256)
    features = model.encoder.predict(x_train)
    ```
    """

    inputs_class = ImageInputs
    view_recipe = "simclr"
    min_batch_size = 2

    def __init__(
        self,
        encoder,
        projection_hidden_units=(512, 512),
        projection_units=512,
        prediction_hidden_units=None,
        stop_gradient=True,
        augmentation=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            encoder=encoder, augmentation=augmentation, seed=seed, **kwargs
        )
        if int(projection_units) < 1:
            raise ValueError(
                f"projection_units must be a positive width; got "
                f"{projection_units}."
            )
        if prediction_hidden_units is None:
            prediction_hidden_units = (max(int(projection_units) // 4, 1),)
        # === Layers ===
        self.projector = ProjectionHead(
            hidden_units=projection_hidden_units,
            output_units=projection_units,
            output_batch_norm=True,
            name="projector",
        )
        self.projector.build((None, self.feature_dim))
        self.predictor = PredictionHead(
            hidden_units=prediction_hidden_units,
            output_units=projection_units,
            name="predictor",
        )
        self.predictor.build((None, projection_units))
        self.projection_std = keras.metrics.Mean(name="projection_std")
        # === Config ===
        self.projection_hidden_units = tuple(int(u) for u in projection_hidden_units)
        self.projection_units = int(projection_units)
        self.prediction_hidden_units = tuple(int(u) for u in prediction_hidden_units)
        self.stop_gradient = bool(stop_gradient)

    def compute_ssl_loss(self, images, training):
        # Both views in one pass through every network: BatchNorm sees 2N.
        z1, z2 = self.encode_views(
            self.make_views(images), heads=(self.projector,), training=training
        )
        p1, p2 = ops.split(
            self.predictor(ops.concatenate([z1, z2], axis=0), training=training),
            2,
            axis=0,
        )
        self.projection_std.update_state(_normalized_std(z1))
        return 0.5 * (
            negative_cosine_similarity(p1, z2, stop_gradient=self.stop_gradient)
            + negative_cosine_similarity(p2, z1, stop_gradient=self.stop_gradient)
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            projection_hidden_units=self.projection_hidden_units,
            projection_units=self.projection_units,
            prediction_hidden_units=self.prediction_hidden_units,
            stop_gradient=self.stop_gradient,
        )
        return config


def _normalized_std(z):
    """Mean over dimensions of the batch std of the L2-normalized rows."""
    unit = ops.normalize(ops.cast(ops.stop_gradient(z), "float32"), axis=-1)
    return ops.mean(ops.std(unit, axis=0))
