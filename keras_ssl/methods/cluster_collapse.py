"""Collapse signals of clustering methods (SwAV, DeepCluster-v2) and their guard."""

import math
import warnings

from keras import ops

from keras_ssl.callbacks.collapse_monitor import CollapseWarning

__all__ = []

#: The fixes a collapse warning names (the usual ones for SwAV-like methods).
USUAL_FIXES = (
    "a smaller epsilon (paper: 0.05), a longer prototype freezing "
    "(freeze_prototypes_epochs), a later or shorter queue (queue_start_epoch, "
    "queue_size), or fewer prototypes (num_prototypes)"
)


def codes_entropy(codes):
    """Mean entropy (nats) of each example's code, a `(N, K)` distribution.

    Near `ln K` the codes are uniform: they carry no clustering signal (the
    too-large-epsilon collapse, where the loss sticks at `ln K`).
    """
    codes = ops.cast(codes, "float32")
    return ops.mean(-ops.sum(codes * ops.log(ops.maximum(codes, 1e-12)), axis=1))


def prototype_usage(codes):
    """Share of the K prototypes that are the argmax of at least one example.

    Near `1 / K` every example is put in one cluster. At most `N / K` for
    a batch of N < K examples.
    """
    codes = ops.cast(codes, "float32")
    clusters = ops.shape(codes)[1]
    chosen = ops.one_hot(ops.argmax(codes, axis=1), clusters, dtype="float32")
    used = ops.cast(ops.max(chosen, axis=0) > 0, "float32")
    return ops.mean(used)


class ClusterCollapseCheck:
    """Warns once per `fit` when the codes stay collapsed for `patience` epochs.

    A method logs `codes_entropy` and `prototype_usage` (the functions
    above, averaged over an epoch's batches) and hands each epoch's logs to
    `update`. An epoch is collapsed when the entropy is within
    `entropy_tolerance` (a fraction) of `ln K`, or when the usage is at most
    1.5 prototypes' share (`1.5 / K`, i.e. one cluster). After `patience`
    collapsed epochs in a row a `keras_ssl.callbacks.CollapseWarning` names
    the usual fixes; `reset()` (at the start of each `fit`) re-arms it.

    Args:
        num_prototypes: int. K.
        method: str. The method's name, for the message.
        patience: int. Collapsed epochs in a row before the warning.
        fixes: str. The fixes the warning names (default: SwAV's usual ones).
        entropy_tolerance: float. Relative distance to `ln K` that counts
            as uniform codes.

    Example:
    ```python
    check = ClusterCollapseCheck(num_prototypes=100, method="SwAV")
    check.update({"codes_entropy": 4.6, "prototype_usage": 0.3})  # ln 100
    check.update({"codes_entropy": 4.6, "prototype_usage": 0.3})  # warns
    ```
    """

    def __init__(
        self, num_prototypes, method, patience=2, entropy_tolerance=0.02, fixes=USUAL_FIXES
    ):
        self.num_prototypes = int(num_prototypes)
        self.method = method
        self.fixes = fixes
        self.patience = int(patience)
        self.entropy_tolerance = float(entropy_tolerance)
        self.reset()

    def reset(self):
        """Forget earlier epochs and re-arm the warning (a new `fit`)."""
        self.collapsed_epochs = 0
        self.warned = False

    def diagnose(self, logs):
        """The reason the epoch of `logs` looks collapsed, or None."""
        log_k = math.log(self.num_prototypes)
        entropy = logs.get("codes_entropy")
        usage = logs.get("prototype_usage")
        if entropy is not None and entropy >= (1.0 - self.entropy_tolerance) * log_k:
            return (
                f"the codes are uniform: codes_entropy is {float(entropy):.4g}, "
                f"near ln K = {log_k:.4g} (the loss sticks near ln K)"
            )
        if usage is not None and usage * self.num_prototypes <= 1.5:
            return (
                f"every example is put in one cluster: prototype_usage is "
                f"{float(usage):.4g}, about 1/K = {1.0 / self.num_prototypes:.4g}"
            )
        return None

    def update(self, logs):
        """Count a collapsed epoch (or reset the count); warn once per fit."""
        reason = self.diagnose(logs or {})
        self.collapsed_epochs = self.collapsed_epochs + 1 if reason else 0
        if self.collapsed_epochs >= self.patience and not self.warned:
            self.warned = True
            warnings.warn(
                f"{self.method}: the cluster assignments have collapsed for "
                f"{self.collapsed_epochs} epochs: {reason}, with K = "
                f"{self.num_prototypes} prototypes. The usual fixes: {self.fixes}.",
                CollapseWarning,
                stacklevel=2,
            )
        return reason
