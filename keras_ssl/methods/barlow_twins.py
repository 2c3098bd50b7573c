"""Barlow Twins: make the views' cross-correlation matrix the identity."""

import keras

from keras_ssl.heads.projection_head import ProjectionHead
from keras_ssl.inputs import ImageInputs
from keras_ssl.losses.barlow_twins_loss import barlow_twins_loss_terms
from keras_ssl.methods.joint_embedding import JointEmbeddingModel
from keras_ssl.methods.registry import register_method

__all__ = ["BarlowTwins"]


@register_method("barlow_twins")
class BarlowTwins(JointEmbeddingModel):
    """Barlow Twins (Zbontar et al. 2021): redundancy reduction.

    Each image gets two views; the encoder and a projector map both to
    embeddings, and the loss (`keras_ssl.losses.barlow_twins_loss`) pushes
    their cross-correlation matrix, computed over the batch (the global
    batch under TensorFlow's `MirroredStrategy`), towards the identity. No
    negatives, predictor or moving average are needed. The two terms,
    `invariance_loss` (`sum_i (1 - C_ii)^2`) and `redundancy_loss`
    (`sum_{i != j} C_ij^2`, before the weight lambda), are logged with the
    loss.

    The projector is the paper's shape: "three linear layers ... The first
    two layers of the projector are followed by a batch normalization layer
    and rectified linear units."

    Deviations from the paper, for small encoders on small images (a
    128-wide ConvNet on 28x28 digits): the projector is 1024 wide (paper:
    8192; wider was better in its Fig. 4, but the paper's width is 64 times
    the ConvNet's features); `compile()` defaults to Adam (1e-3) instead of
    LARS. The default views are BYOL's, as in the paper (`digit_views()`
    for 1-channel images).

    Reference: https://arxiv.org/abs/2103.03230

    Args:
        encoder: `keras.Model` mapping images `(N, H, W, C)` to vectors.
        projection_hidden_units: tuple of int. Widths of the hidden
            Dense-BN-ReLU layers (paper: 8192, 8192).
        projection_units: int. Width of the embedding the loss compares
            (paper: 8192).
        lambda_offdiagonal: float >= 0. Weight of the redundancy term
            (paper: 5.1e-3).
        epsilon: float > 0. Added to each dimension's variance when it is
            standardized.
        augmentation: None, a layer or callable, or a pair of them; see
            `keras_ssl.augment`. None picks the `"byol"` view recipe.
        seed: int or None. Seed of the views.
        **kwargs: `keras.Model` arguments (`name`, ...).

    Example:
    ```python
    x_train, _ = keras_ssl.datasets.mnist5k("train")
    model = keras_ssl.BarlowTwins(
        encoder=keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    )
    model.compile()
    model.fit(x_train, epochs=10, batch_size=256)
    features = model.encoder.predict(x_train)
    ```
    """

    inputs_class = ImageInputs
    view_recipe = "byol"
    # Standardizing over the batch needs 2 examples per replica.
    min_batch_size = 2

    def __init__(
        self,
        encoder,
        projection_hidden_units=(1024, 1024),
        projection_units=1024,
        lambda_offdiagonal=5.1e-3,
        epsilon=1e-5,
        augmentation=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            encoder=encoder, augmentation=augmentation, seed=seed, **kwargs
        )
        if not lambda_offdiagonal >= 0:
            raise ValueError(
                f"lambda_offdiagonal must be >= 0; got {lambda_offdiagonal}."
            )
        if not epsilon > 0:
            raise ValueError(f"epsilon must be > 0; got {epsilon}.")
        # === Layers ===
        self.projector = ProjectionHead(
            hidden_units=projection_hidden_units,
            output_units=projection_units,
            name="projector",
        )
        self.projector.build((None, self.feature_dim))
        self.invariance_loss = keras.metrics.Mean(name="invariance_loss")
        self.redundancy_loss = keras.metrics.Mean(name="redundancy_loss")
        # === Config ===
        self.projection_hidden_units = tuple(int(u) for u in projection_hidden_units)
        self.projection_units = int(projection_units)
        self.lambda_offdiagonal = float(lambda_offdiagonal)
        self.epsilon = float(epsilon)

    def compute_ssl_loss(self, images, training):
        # Both views in one pass: BatchNorm sees all 2N views.
        z1, z2 = self.encode_views(
            self.make_views(images), heads=(self.projector,), training=training
        )
        invariance, redundancy = barlow_twins_loss_terms(
            z1, z2, epsilon=self.epsilon
        )
        self.invariance_loss.update_state(invariance)
        self.redundancy_loss.update_state(redundancy)
        return invariance + self.lambda_offdiagonal * redundancy

    def get_config(self):
        config = super().get_config()
        config.update(
            projection_hidden_units=self.projection_hidden_units,
            projection_units=self.projection_units,
            lambda_offdiagonal=self.lambda_offdiagonal,
            epsilon=self.epsilon,
        )
        return config
