"""The `keras.losses.Loss` wrapper shared by the temperature-scaled
contrastive losses (NT-Xent, SimCSE): validation, call and config."""

import keras

__all__ = []


class TemperatureLoss(keras.losses.Loss):
    """Base of `NTXent` and `SimCSELoss`: `loss(y_true, y_pred)` is
    `self.loss_function(y_true, y_pred, temperature, gather_distributed)`.

    Args:
        temperature: float > 0. The softmax temperature.
        gather_distributed: bool. Candidates from all TF replicas.
        name: string. Name of the loss.
        reduction: Keras reduction of the per-example values.

    Example:
    ```python
    class MyLoss(TemperatureLoss):
        loss_function = staticmethod(my_loss)
    ```
    """

    loss_function = None

    def __init__(self, temperature, gather_distributed, name, reduction, **kwargs):
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0; got {temperature}.")
        super().__init__(name=name, reduction=reduction, **kwargs)
        self.temperature = float(temperature)
        self.gather_distributed = bool(gather_distributed)

    def call(self, y_true, y_pred):
        return self.loss_function(
            y_true, y_pred, self.temperature, self.gather_distributed
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            temperature=self.temperature,
            gather_distributed=self.gather_distributed,
        )
        return config
