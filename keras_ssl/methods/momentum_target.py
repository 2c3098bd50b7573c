"""A moving-average target network, as in BYOL and MoCo."""

import warnings

import keras
from keras import ops

from keras_ssl.schedules.cosine_momentum import cosine_momentum

__all__ = []


class MomentumTarget:
    """Mixin for an `SSLModel` with an exponential-moving-average target.

    The target is a chain of the model's networks (e.g. encoder then
    projector) run on non-trainable copies of their weights. The copies get
    no gradients and no optimizer slots; `target_outputs` runs each network
    with `stateless_call(..., training=True)` on them, so the target's
    BatchNorm uses batch statistics (the papers' behaviour, which
    `trainable = False` would switch off). After every optimizer step,
    `update_momentum_target()` moves each copy towards its online weight
    with momentum tau, on BYOL's cosine schedule from `tau_base` to 1 over
    the planned steps (Grill et al. 2020, Sec. 3.2; MoCo v3 uses the same).

    The copies, the step counter (`ema_step`) and the planned step count
    (`planned_steps`) are model weights, created in the same order and with
    the same names as BYOL's, so `.keras` files and `BackupAndRestore`
    resume exactly. The planned steps are `epochs * steps_per_epoch` of the
    current `fit` unless the model has `total_steps`.

    References: https://arxiv.org/abs/2006.07733,
    https://arxiv.org/abs/2104.02057

    Example:
    ```python
    class MyMethod(MomentumTarget, JointEmbeddingModel):
        def __init__(self, encoder, tau_base=0.99, total_steps=None, **kw):
            super().__init__(encoder=encoder, **kw)
            self.tau_base, self.total_steps = tau_base, total_steps
            self.add_momentum_target([self.encoder], total_steps)

        def after_train_step(self):
            self.update_momentum_target()
    ```
    """

    def add_momentum_target(self, networks, total_steps=None):
        """Create the copies of `networks`' weights and the schedule's weights.

        Args:
            networks: list of built layers, applied in order by the target.
            total_steps: int or None. The planned steps' initial value.
        """
        if not 0.0 <= self.tau_base <= 1.0:
            raise ValueError(f"tau_base must be in [0, 1]; got {self.tau_base}.")
        if total_steps is not None and int(total_steps) <= 0:
            raise ValueError(
                f"total_steps must be a positive number of steps or None; got "
                f"{total_steps}."
            )
        self._target_networks = list(networks)
        # Per network: (copies of its trainable weights, of its state).
        self.target_copies = [
            (
                self._copies(network.trainable_variables),
                self._copies(network.non_trainable_variables),
            )
            for network in self._target_networks
        ]
        self.ema_step = self.add_weight(
            shape=(), initializer="zeros", dtype="int32", trainable=False,
            aggregation="only_first_replica", name="ema_step",
        )
        self.planned_steps = self.add_weight(
            shape=(), initializer=keras.initializers.Constant(total_steps or 0),
            dtype="int32", trainable=False, aggregation="only_first_replica",
            name="planned_steps",
        )

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
        return [
            v for network in self._target_networks for v in network.trainable_variables
        ]

    @property
    def target_weights(self):
        """The target's moving averages of `online_weights`."""
        return [v for weights, _ in self.target_copies for v in weights]

    @property
    def target_state(self):
        """The target's own non-trainable state (BatchNorm statistics)."""
        return [v for _, state in self.target_copies for v in state]

    # --- The momentum schedule ---------------------------------------------

    def plan_momentum_schedule(self, epochs, steps_per_epoch):
        """Set the planned steps at the start of `fit` (or from total_steps)."""
        name = type(self).__name__
        if self.total_steps is not None:
            planned = self.total_steps
        elif epochs and steps_per_epoch:
            planned = int(epochs) * int(steps_per_epoch)
        else:
            raise ValueError(
                f"{name}'s momentum schedule needs the number of training "
                f"steps, and fit() does not know how many steps an epoch has "
                f"(a dataset of unknown size). Pass steps_per_epoch= to fit(), "
                f"or total_steps= to {name}()."
            )
        self.planned_steps.assign(planned)
        step = int(ops.convert_to_numpy(self.ema_step.value))
        if step >= planned:
            warnings.warn(
                f"{name}'s momentum schedule is complete (step {step} of "
                f"{planned}): the target network stays frozen (tau = 1) for "
                f"this fit. To continue a run, pass initial_epoch= to fit(), "
                f"or total_steps= to {name}().",
                stacklevel=3,
            )

    def momentum(self):
        """The target's momentum tau at the current step."""
        return cosine_momentum(
            self.ema_step.value, self.planned_steps.value, self.tau_base
        )

    def begin_fit(self, epochs, steps_per_epoch):
        self.plan_momentum_schedule(epochs, steps_per_epoch)

    # --- Step ----------------------------------------------------------------

    def target_outputs(self, inputs, training):
        """The target chain's output on `inputs` (no gradient); in training
        the target's own BatchNorm statistics are updated."""
        x = inputs
        for network, (weights, state) in zip(self._target_networks, self.target_copies):
            x, new_state = network.stateless_call(
                [v.value for v in weights], [v.value for v in state], x,
                training=training,
            )
            if training:
                for variable, value in zip(state, new_state):
                    variable.assign(value)
        return ops.stop_gradient(x)

    def update_momentum_target(self):
        """One moving-average step of every copy; advances `ema_step`."""
        tau = self.momentum()
        for target, online in zip(self.target_weights, self.online_weights):
            target.assign(tau * target.value + (1.0 - tau) * online.value)
        self.ema_step.assign_add(ops.ones((), "int32"))
