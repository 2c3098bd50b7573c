"""Train and test steps for the JAX backend (stateless, jit-compiled).

Keras's JAX trainer passes the model state in as arrays and expects the new
state back. Everything a method reads or writes (BatchNorm statistics, seed
generator states, metric totals, BYOL's moving averages) goes through a
`keras.StatelessScope` mapping variables to these arrays.
"""

import jax
import keras


def _scoped(variables, values):
    return list(zip(variables, values))


def _collect(scope, variables, old_values):
    """New values of `variables` written in `scope` (old ones if untouched)."""
    new_values = []
    for variable, old in zip(variables, old_values):
        value = scope.get_current_value(variable)
        new_values.append(old if value is None else value)
    return new_values


class SSLTrainSteps:
    """JAX `train_step`/`test_step` for `keras_ssl.methods.SSLModel`."""

    def _stateless_ssl_loss(
        self, trainable, non_trainable, metrics, data, training, optimizer_vars
    ):
        mapping = (
            _scoped(self.trainable_variables, trainable)
            + _scoped(self.non_trainable_variables, non_trainable)
            + _scoped(self.metrics_variables, metrics)
        )
        with keras.StatelessScope(state_mapping=mapping) as scope:
            loss = self.ssl_step_loss(data, training=training)
        non_trainable = _collect(
            scope, self.non_trainable_variables, non_trainable
        )
        metrics = _collect(scope, self.metrics_variables, metrics)
        grad_loss = loss
        if optimizer_vars is not None:
            # The loss-scale variable of a LossScaleOptimizer lives here.
            mapping = _scoped(self.optimizer.variables, optimizer_vars)
            with keras.StatelessScope(state_mapping=mapping):
                grad_loss = self.optimizer.scale_loss(loss)
        return grad_loss, (loss, non_trainable, metrics)

    def _stateless_logs(self, metrics, loss, data):
        mapping = _scoped(self.metrics_variables, metrics)
        with keras.StatelessScope(state_mapping=mapping) as scope:
            logs = self.ssl_step_logs(loss, data)
        return logs, _collect(scope, self.metrics_variables, metrics)

    def train_step(self, state, data):
        trainable, non_trainable, optimizer_vars, metrics = state
        grad_fn = jax.value_and_grad(self._stateless_ssl_loss, has_aux=True)
        (_, (loss, non_trainable, metrics)), grads = grad_fn(
            trainable, non_trainable, metrics, data, True, optimizer_vars
        )
        trainable, optimizer_vars = self.optimizer.stateless_apply(
            optimizer_vars, grads, trainable
        )
        # The post-step update sees the weights the optimizer just wrote.
        mapping = _scoped(self.trainable_variables, trainable) + _scoped(
            self.non_trainable_variables, non_trainable
        )
        with keras.StatelessScope(state_mapping=mapping) as scope:
            self.after_train_step()
        # E.g. SwAV renormalizes its (trainable) prototypes after the step.
        trainable = _collect(scope, self.trainable_variables, trainable)
        non_trainable = _collect(
            scope, self.non_trainable_variables, non_trainable
        )
        logs, metrics = self._stateless_logs(metrics, loss, data)
        return logs, (trainable, non_trainable, optimizer_vars, metrics)

    def test_step(self, state, data):
        trainable, non_trainable, metrics = state
        _, (loss, non_trainable, metrics) = self._stateless_ssl_loss(
            trainable, non_trainable, metrics, data, False, None
        )
        logs, metrics = self._stateless_logs(metrics, loss, data)
        return logs, (trainable, non_trainable, metrics)
