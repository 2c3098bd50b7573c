"""DeepCluster-v2's loss: cross-entropy of prototype scores against k-means assignments."""

from keras import ops

from keras_ssl.serialization import keras_ssl_serializable

__all__ = ["deepcluster_loss"]


@keras_ssl_serializable
def deepcluster_loss(scores, assignments, temperature=0.1):
    """Cross-entropy of each view's scores against its example's cluster.

    Caron et al. 2020, Sec. 3.1 and App. B.3 (DeepCluster-v2): the
    projections are scored against frozen, unit-norm k-means centroids (one
    set per clustering "head"), and `softmax(scores / tau)` is trained to
    predict the example's cluster: the loss of head h is
    `-log softmax(scores[h][v] / tau)[assignment[h]]`, the same target for
    every view v, averaged over the views and then over the heads (the
    authors' code: one cross-entropy per head over all crops, divided by
    the number of heads).

    Reference: https://arxiv.org/abs/2006.09882

    Args:
        scores: list (one per head) of lists (one per view) of `(n, K_h)`
            scores: cosine similarities of the views' projections to head
            h's K_h centroids.
        assignments: list (one per head) of int `(n,)` cluster indices in
            `[0, K_h)`, the targets.
        temperature: float > 0. tau (paper: 0.1).

    Returns:
        float32 `(n,)`, the loss of each example.

    Example:
    ```python
    scores = [[np.random.randn(8, 16) * 0.3 for _ in range(2)] for _ in range(3)]
    targets = [np.random.randint(0, 16, size=8) for _ in range(3)]
    loss = keras_ssl.losses.deepcluster_loss(scores, targets)  # (8,)
    ```
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0; got {temperature}.")
    if len(scores) < 1 or len(scores) != len(assignments):
        raise ValueError(
            f"deepcluster_loss takes one list of view scores and one vector "
            f"of assignments per head; got {len(scores)} score lists and "
            f"{len(assignments)} assignment vectors."
        )
    total = 0.0
    for views, targets in zip(scores, assignments):
        if len(views) < 1:
            raise ValueError("Each head needs the scores of at least one view.")
        for view in views:
            if len(view.shape) != 2:
                raise ValueError(
                    f"scores must be (n, K) per view; got shape {tuple(view.shape)}."
                )
        clusters = views[0].shape[-1]
        # One-hot targets: sum_k y_k log p_k picks each example's cluster.
        targets = ops.one_hot(ops.cast(targets, "int32"), clusters, dtype="float32")
        head = 0.0
        for view in views:
            log_p = ops.log_softmax(ops.cast(view, "float32") / temperature, axis=1)
            head = head - ops.sum(targets * log_p, axis=1)
        total = total + head / len(views)
    return total / len(scores)
