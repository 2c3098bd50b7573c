"""The masked-LM loss: cross-entropy on the selected positions only."""

from keras import ops

__all__ = ["masked_token_loss"]


def masked_token_loss(mask_ids, logits, mask_weights):
    """Mean cross-entropy over the selected positions only.

    BERT's loss (Devlin et al. 2019, https://arxiv.org/abs/1810.04805):
    `sum_i w_i * -log softmax(logits_i)[y_i] / sum_i w_i` over the P
    selection slots of each text, where `w_i` is 1 for a selected token and
    0 for an unused slot (a batch without selections gives 0).

    Args:
        mask_ids: int `(N, P)`. Original ids at the selected positions.
        logits: float `(N, P, V)`. Predictions at those positions.
        mask_weights: float `(N, P)`. 1 for real selections, 0 for padding.

    Returns:
        Scalar float32 loss.
    """
    logits = ops.cast(logits, "float32")
    mask_weights = ops.cast(mask_weights, "float32")
    per_slot = ops.sparse_categorical_crossentropy(mask_ids, logits, from_logits=True)
    total = ops.sum(per_slot * mask_weights)
    return total / ops.maximum(ops.sum(mask_weights), 1.0)
