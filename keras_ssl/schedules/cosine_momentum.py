"""BYOL's cosine schedule of the target network's momentum."""

import math
import numbers

from keras import ops


def _check_number(name, value, low, high):
    if isinstance(value, numbers.Number) and not low <= value <= high:
        raise ValueError(f"{name} must be in [{low}, {high}]; got {value}.")


def cosine_momentum(step, total_steps, tau_base=0.996, tau_final=1.0):
    """Momentum at `step`, rising from `tau_base` to `tau_final` on a cosine.

    Grill et al. 2020 (BYOL), Sec. 3.2: "the exponential moving average
    parameter tau starts from tau_base = 0.996 and is increased to one during
    training ... tau = 1 - (1 - tau_base) * (cos(pi k / K) + 1) / 2 with k the
    current training step and K the maximum number of training steps."
    Past `total_steps` the momentum stays at `tau_final`.

    Reference: https://arxiv.org/abs/2006.07733

    Args:
        step: int or scalar tensor. The current step `k` (0 for the first).
        total_steps: int or scalar tensor. The planned number of steps `K`.
        tau_base: float in [0, 1]. Momentum at step 0.
        tau_final: float in [0, 1]. Momentum at step `K` and after.

    Returns:
        float32 scalar tensor.

    Example:
    >>> [round(float(cosine_momentum(k, 100)), 6) for k in (0, 50, 100)]
    [0.996, 0.998, 1.0]
    """
    _check_number("tau_base", tau_base, 0.0, 1.0)
    _check_number("tau_final", tau_final, 0.0, 1.0)
    if isinstance(step, numbers.Number) and step < 0:
        raise ValueError(f"step must be >= 0; got {step}.")
    if isinstance(total_steps, numbers.Number) and total_steps <= 0:
        raise ValueError(
            f"total_steps must be a positive number of training steps; got "
            f"{total_steps}."
        )
    step = ops.cast(step, "float32")
    total_steps = ops.cast(total_steps, "float32")
    progress = ops.minimum(step / ops.maximum(total_steps, 1.0), 1.0)
    weight = (ops.cos(math.pi * progress) + 1.0) / 2.0
    return tau_final - (tau_final - tau_base) * weight
