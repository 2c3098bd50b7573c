"""VICReg: variance, invariance and covariance regularization of two views."""

import keras

from keras_ssl.heads.projection_head import ProjectionHead
from keras_ssl.inputs import ImageInputs
from keras_ssl.losses.vicreg_loss import vicreg_loss_terms
from keras_ssl.methods.joint_embedding import JointEmbeddingModel
from keras_ssl.methods.registry import register_method

__all__ = ["VICReg"]

_WEIGHTS = ("invariance_weight", "variance_weight", "covariance_weight")


@register_method("vicreg")
class VICReg(JointEmbeddingModel):
    """VICReg (Bardes et al. 2022): Variance-Invariance-Covariance Regularization.

    Each image gets two views; the encoder and an expander map both to
    embeddings, and the loss (`keras_ssl.losses.vicreg_loss`) pulls the
    pairs together (invariance, a mean squared error) while keeping each
    dimension's std over the batch at 1 or more (variance, a hinge) and the
    dimensions decorrelated (covariance). The statistics are those of the
    global batch under TensorFlow's `MirroredStrategy`. The three unweighted
    terms are logged as `invariance_loss`, `variance_loss` and
    `covariance_loss`.

    The expander is the paper's shape: "composed of two fully-connected
    layers with batch normalization (BN) and ReLU, and a third linear
    layer".

    Deviations from the paper, for small encoders on small images (a
    128-wide ConvNet on 28x28 digits): the expander is 1024 wide (paper:
    8192, 4 times its ResNet-50's features; here 8 times the ConvNet's);
    `compile()` defaults to Adam (1e-3) instead of LARS. The default views
    are BYOL's, as in the paper (`digit_views()` for 1-channel images).

    Reference: https://arxiv.org/abs/2105.04906

    Args:
        encoder: `keras.Model` mapping images `(N, H, W, C)` to vectors.
        projection_hidden_units: tuple of int. Widths of the expander's
            hidden Dense-BN-ReLU layers (paper: 8192, 8192).
        projection_units: int. Width of the embedding the loss compares
            (paper: 8192).
        invariance_weight: float >= 0. `lambda` (paper: 25).
        variance_weight: float >= 0. `mu` (paper: 25).
        covariance_weight: float >= 0. `nu` (paper: 1).
        epsilon: float > 0. Added to the variance under the square root
            (paper: 1e-4).
        augmentation: None, a layer or callable, or a pair of them; see
            `keras_ssl.augment`. None picks the `"byol"` view recipe.
        seed: int or None. Seed of the views.
        **kwargs: `keras.Model` arguments (`name`, ...).

    Example:
    ```python
    x_train, _ = keras_ssl.datasets.mnist5k("train")
    model = keras_ssl.VICReg(
        encoder=keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    )
    model.compile()
    model.fit(x_train, epochs=10, batch_size=256)
    features = model.encoder.predict(x_train)
    ```
    """

    inputs_class = ImageInputs
    view_recipe = "byol"
    # Variances and covariances over the batch need 2 examples per replica.
    min_batch_size = 2

    def __init__(
        self,
        encoder,
        projection_hidden_units=(1024, 1024),
        projection_units=1024,
        invariance_weight=25.0,
        variance_weight=25.0,
        covariance_weight=1.0,
        epsilon=1e-4,
        augmentation=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            encoder=encoder, augmentation=augmentation, seed=seed, **kwargs
        )
        weights = (invariance_weight, variance_weight, covariance_weight)
        for name, value in zip(_WEIGHTS, weights):
            if not value >= 0:
                raise ValueError(f"{name} must be >= 0; got {value}.")
        if not epsilon > 0:
            raise ValueError(f"epsilon must be > 0; got {epsilon}.")
        # === Layers ===
        self.projector = ProjectionHead(
            hidden_units=projection_hidden_units,
            output_units=projection_units,
            name="projector",
        )
        self.projector.build((None, self.feature_dim))
        self.term_trackers = [
            keras.metrics.Mean(name=f"{term}_loss")
            for term in ("invariance", "variance", "covariance")
        ]
        # === Config ===
        self.projection_hidden_units = tuple(int(u) for u in projection_hidden_units)
        self.projection_units = int(projection_units)
        self.invariance_weight = float(invariance_weight)
        self.variance_weight = float(variance_weight)
        self.covariance_weight = float(covariance_weight)
        self.epsilon = float(epsilon)

    def compute_ssl_loss(self, images, training):
        # Both views in one pass: BatchNorm sees all 2N views.
        z1, z2 = self.encode_views(
            self.make_views(images), heads=(self.projector,), training=training
        )
        terms = vicreg_loss_terms(z1, z2, epsilon=self.epsilon)
        for tracker, term in zip(self.term_trackers, terms):
            tracker.update_state(term)
        invariance, variance, covariance = terms
        return (
            self.invariance_weight * invariance
            + self.variance_weight * variance
            + self.covariance_weight * covariance
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            projection_hidden_units=self.projection_hidden_units,
            projection_units=self.projection_units,
            invariance_weight=self.invariance_weight,
            variance_weight=self.variance_weight,
            covariance_weight=self.covariance_weight,
            epsilon=self.epsilon,
        )
        return config
