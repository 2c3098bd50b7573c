"""A temperature warmed up linearly, then held: DINO's teacher temperature."""

from keras import ops


def warmup_temperature(step, planned_steps, warmup_fraction, start, end):
    """The temperature at `step`: linear from `start` to `end` over the first
    `warmup_fraction` of `planned_steps`, then `end` (Caron et al. 2021, Sec.
    4.1 and Appendix: the teacher's 0.04 -> 0.07 over the first 30 epochs).

    Args:
        step: int tensor. The current step.
        planned_steps: int tensor. Steps of the whole run.
        warmup_fraction: float in [0, 1]. Share of the run spent warming up;
            0 gives `end` from the first step.
        start: float. The temperature at step 0.
        end: float. The temperature after the warm-up.

    Returns:
        A float32 scalar tensor.

    Example:
    ```python
    warmup_temperature(15, 100, 0.3, 0.04, 0.07)  # 0.055
    ```
    """
    warmup = warmup_fraction * ops.cast(planned_steps, "float32")
    step = ops.cast(step, "float32")
    progress = ops.where(
        warmup > 0, ops.minimum(step / ops.maximum(warmup, 1.0), 1.0), 1.0
    )
    return start + (end - start) * progress
