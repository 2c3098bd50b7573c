"""BYOL: predict a moving-average target network's projection of another view."""

import warnings

import keras
from keras import ops

from keras_ssl.heads.prediction_head import PredictionHead
from keras_ssl.heads.projection_head import ProjectionHead
from keras_ssl.inputs import ImageInputs
from keras_ssl.losses.byol_loss import byol_loss
from keras_ssl.methods.joint_embedding import JointEmbeddingModel
from keras_ssl.methods.registry import register_method
from keras_ssl.schedules.cosine_momentum import cosine_momentum

__all__ = ["BYOL"]


@register_method("byol")
class BYOL(JointEmbeddingModel):
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
        if not 0.0 <= tau_base <= 1.0:
            raise ValueError(f"tau_base must be in [0, 1]; got {tau_base}.")
        if total_steps is not None and int(total_steps) <= 0:
            raise ValueError(
                f"total_steps must be a positive number of steps or None; got "
                f"{total_steps}."
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
        self.target_encoder_weights = self._copies(encoder.trainable_variables)
        self.target_encoder_state = self._copies(encoder.non_trainable_variables)
        self.target_projector_weights = self._copies(
            self.projector.trainable_variables
        )
        self.target_projector_state = self._copies(
            self.projector.non_trainable_variables
        )
        self.ema_step = self.add_weight(
            shape=(), initializer="zeros", dtype="int32", trainable=False,
            aggregation="only_first_replica", name="ema_step",
        )
        self.planned_steps = self.add_weight(
            shape=(), initializer=keras.initializers.Constant(total_steps or 0),
            dtype="int32", trainable=False, aggregation="only_first_replica",
            name="planned_steps",
        )

        # === Config ===
        self.projection_hidden_units = tuple(projection_hidden_units)
        self.projection_units = int(projection_units)
        self.prediction_hidden_units = tuple(prediction_hidden_units)
        self.tau_base = float(tau_base)
        self.total_steps = None if total_steps is None else int(total_steps)

    def _copies(self, variables):
        """Non-trainable variables initialised to copies of `variables`."""
        copies = []
        for index, variable in enumerate(variables):
            copies.append(
                self.add_weight(
                    shape=variable.shape,
                    # A copy, not an alias: JAX donates each buffer once.
                    initializer=lambda shape, dtype, v=variable: ops.copy(v.value),
                    dtype=variable.dtype,
                    trainable=False,
                    autocast=False,
                    aggregation="mean",
                    name=f"target_{index}_{variable.name}",
                )
            )
        return copies

    @property
    def online_weights(self):
        """The online weights the target tracks, in the target's order."""
        return self.encoder.trainable_variables + self.projector.trainable_variables

    @property
    def target_weights(self):
        """The target's moving averages of `online_weights`."""
        return self.target_encoder_weights + self.target_projector_weights

    # --- The momentum schedule -----------------------------------------------

    def plan_momentum_schedule(self, epochs, steps_per_epoch):
        """Set the planned steps at the start of `fit` (or from total_steps)."""
        if self.total_steps is not None:
            planned = self.total_steps
        elif epochs and steps_per_epoch:
            planned = int(epochs) * int(steps_per_epoch)
        else:
            raise ValueError(
                "BYOL's momentum schedule needs the number of training "
                "steps, and fit() does not know how many steps an epoch has "
                "(a dataset of unknown size). Pass steps_per_epoch= to fit(), "
                "or total_steps= to BYOL()."
            )
        self.planned_steps.assign(planned)
        step = int(ops.convert_to_numpy(self.ema_step.value))
        if step >= planned:
            warnings.warn(
                f"BYOL's momentum schedule is complete (step {step} of "
                f"{planned}): the target network stays frozen (tau = 1) for "
                f"this fit. To continue a run, pass initial_epoch= to fit(), "
                f"or total_steps= to BYOL().",
                stacklevel=2,
            )

    def momentum(self):
        """The target's momentum tau at the current step."""
        return cosine_momentum(
            self.ema_step.value, self.planned_steps.value, self.tau_base
        )

    def begin_fit(self, epochs, steps_per_epoch):
        self.plan_momentum_schedule(epochs, steps_per_epoch)

    # --- Step ----------------------------------------------------------------

    def target_projections(self, images, training):
        """The target network's projections (no gradient)."""
        features, encoder_state = self.encoder.stateless_call(
            [v.value for v in self.target_encoder_weights],
            [v.value for v in self.target_encoder_state],
            images,
            training=training,
        )
        projections, projector_state = self.projector.stateless_call(
            [v.value for v in self.target_projector_weights],
            [v.value for v in self.target_projector_state],
            features,
            training=training,
        )
        if training:
            # The target's own BatchNorm statistics (it runs in training mode).
            for variable, value in zip(
                self.target_encoder_state + self.target_projector_state,
                list(encoder_state) + list(projector_state),
            ):
                variable.assign(value)
        return ops.stop_gradient(projections)

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
        tau = self.momentum()
        for target, online in zip(self.target_weights, self.online_weights):
            target.assign(tau * target.value + (1.0 - tau) * online.value)
        self.ema_step.assign_add(ops.ones((), "int32"))

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
