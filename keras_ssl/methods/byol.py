"""BYOL: predict a moving-average target network's projection of another view."""

from keras import ops

from keras_ssl.heads.prediction_head import PredictionHead
from keras_ssl.heads.projection_head import ProjectionHead
from keras_ssl.inputs import ImageInputs
from keras_ssl.losses.byol_loss import byol_loss
from keras_ssl.methods.joint_embedding import JointEmbeddingModel
from keras_ssl.methods.momentum_target import MomentumTarget
from keras_ssl.methods.registry import register_method

__all__ = ["BYOL"]


@register_method("byol")
class BYOL(MomentumTarget, JointEmbeddingModel):
    """BYOL (Grill et al. 2020): Bootstrap Your Own Latent.

    Each image gets two views (by default asymmetric in blur and
    solarization, as in the paper). The online network (encoder, projector,
    predictor) predicts the target network's projection of the other view;
    the loss is the symmetric normalized MSE, `2 - 2 cos`, summed over both
    directions. The target network (encoder and projector) is an
    exponential moving average of the online one, updated after every
    optimizer step with momentum tau following the paper's cosine schedule
    from `tau_base` to 1 over the planned steps. The target gets no
    gradients and no optimizer slots: its weights are non-trainable copies
    run through `stateless_call(..., training=True)`, so its BatchNorm uses
    batch statistics as in the paper.

    The moving averages, the step counter and the planned step count are
    model weights: `.keras` files and `BackupAndRestore` resume exactly. The
    planned steps are `epochs * steps_per_epoch` of the current `fit` (so
    `fit(epochs=E, initial_epoch=e)` continues the same schedule) unless
    `total_steps` is given; give it when a run is split over several `fit`
    calls that do not pass `initial_epoch`.

    Reference: https://arxiv.org/abs/2006.07733

    Args:
        encoder: `keras.Model` mapping images `(N, H, W, C)` to vectors.
        projection_hidden_units: tuple of int. Hidden widths of the projector
            (paper: 4096; 1024 suits small encoders).
        projection_units: int. Width of the projection (paper: 256); also the
            predictor's output width.
        prediction_hidden_units: tuple of int. Hidden widths of the predictor.
        tau_base: float in [0, 1]. Momentum of the target at step 0.
        total_steps: int or None. Steps of the whole run for the momentum
            schedule; None takes them from each `fit` call.
        augmentation: None, a layer or callable, or a pair of them for the
            two views; see `keras_ssl.augment`. None picks the `"byol"`
            view recipe (`keras_ssl.augment.view_recipe`): the
            paper's pair for colour images, `digit_views()` for 1-channel.
        seed: int or None. Seed of the views.
        **kwargs: `keras.Model` arguments (`name`, ...).

    Example:
    ```python
    x_train, _ = keras_ssl.datasets.mnist5k("train")
    model = keras_ssl.BYOL(
        encoder=keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1))
    )
    model.compile()
    model.fit(x_train, epochs=10, batch_size=256)
    features = model.encoder.predict(x_train)  # pixels 0-255
    ```
    """

    inputs_class = ImageInputs
    view_recipe = "byol"

    def __init__(
        self,
        encoder,
        projection_hidden_units=(1024,),
        projection_units=256,
        prediction_hidden_units=(1024,),
        tau_base=0.996,
        total_steps=None,
        augmentation=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            encoder=encoder, augmentation=augmentation, seed=seed, **kwargs
        )
        # === Online network ===
        self.projector = ProjectionHead(
            hidden_units=projection_hidden_units,
            output_units=projection_units,
            name="projector",
        )
        self.projector.build((None, self.feature_dim))
        self.predictor = PredictionHead(
            hidden_units=prediction_hidden_units,
            output_units=projection_units,
            name="predictor",
        )
        self.predictor.build((None, projection_units))

        # === Target network: non-trainable copies of encoder + projector ===
        # Same weight order and names as before MomentumTarget existed, so
        # older `.keras` files keep loading (tests/methods/test_legacy_models.py).
        self.tau_base = float(tau_base)
        self.total_steps = None if total_steps is None else int(total_steps)
        self.add_momentum_target([self.encoder, self.projector], self.total_steps)

        # === Config ===
        self.projection_hidden_units = tuple(projection_hidden_units)
        self.projection_units = int(projection_units)
        self.prediction_hidden_units = tuple(prediction_hidden_units)

    # --- Step ----------------------------------------------------------------

    def target_projections(self, images, training):
        """The target network's projections (no gradient)."""
        return self.target_outputs(images, training=training)

    def compute_ssl_loss(self, images, training):
        # Both views in one pass, online and target: BatchNorm sees all 2N.
        views = ops.concatenate(self.make_views(images), axis=0)
        features = self.encoder(views, training=training)
        projections = self.projector(features, training=training)
        predictions = self.predictor(projections, training=training)
        targets = self.target_projections(views, training=training)
        predictions_1, predictions_2 = ops.split(predictions, 2, axis=0)
        targets_1, targets_2 = ops.split(targets, 2, axis=0)
        # Symmetric loss: each view's prediction regresses the other's target.
        return ops.mean(
            byol_loss(targets_2, predictions_1) + byol_loss(targets_1, predictions_2)
        )

    def after_train_step(self):
        self.update_momentum_target()

    # --- Serialization -----------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config.update(
            projection_hidden_units=self.projection_hidden_units,
            projection_units=self.projection_units,
            prediction_hidden_units=self.prediction_hidden_units,
            tau_base=self.tau_base,
            total_steps=self.total_steps,
        )
        return config
