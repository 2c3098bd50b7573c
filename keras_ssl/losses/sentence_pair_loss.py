"""The loss of BERT's next-sentence and ALBERT's sentence-order tasks."""

from keras import ops

__all__ = ["sentence_pair_loss"]


def sentence_pair_loss(labels, logits):
    """Mean binary cross-entropy of one logit per sentence pair.

    NSP (Devlin et al. 2019, https://arxiv.org/abs/1810.04805) and SOP (Lan
    et al. 2020, https://arxiv.org/abs/1909.11942) are binary
    classifications of a pair: `-mean(y log s(z) + (1 - y) log(1 - s(z)))`
    with `s` the sigmoid, the same as BERT's two-way softmax
    cross-entropy with logits `(0, z)`.

    Args:
        labels: `(N,)` 0/1 (int or float). 1: the pair is as in the text.
        logits: float `(N,)` or `(N, 1)`.

    Returns:
        Scalar float32 loss.
    """
    logits = ops.reshape(ops.cast(logits, "float32"), (-1,))
    labels = ops.reshape(ops.cast(labels, "float32"), (-1,))
    if labels.shape[0] is not None and logits.shape[0] is not None and (
        labels.shape[0] != logits.shape[0]
    ):
        raise ValueError(
            f"sentence_pair_loss takes one label per logit; got "
            f"{labels.shape[0]} labels and {logits.shape[0]} logits."
        )
    per_pair = ops.binary_crossentropy(labels, logits, from_logits=True)
    return ops.mean(per_pair)
