"""wav2vec 2.0's objective: the contrastive task over masked frames and the
codebook diversity penalty (Baevski et al. 2020, Sec. 3.2)."""

from keras import ops

__all__ = [
    "codebook_perplexity",
    "wav2vec2_contrastive_logits",
    "wav2vec2_contrastive_loss",
    "wav2vec2_diversity_loss",
]

# Logit of a distractor that is not counted (its code equals the positive's).
_EXCLUDED = -1e9


def wav2vec2_contrastive_logits(context, targets, negative_indices, codes,
                                temperature=0.1):
    """Cosine logits of each frame's positive (column 0) and K distractors.

    `sim(c_t, q) / kappa` with `sim` the cosine similarity, for `q = q_t`
    (the frame's own quantized target) and for the K distractors
    `q_{negative_indices[t, k]}`, frames of the same utterance. A
    distractor whose code equals the positive's in every codebook (the
    same quantized vector) is not a negative: its logit is set to -1e9,
    which contributes exactly 0 to the softmax.

    Args:
        context: float `(N, F, D)`. Context-network outputs (projected).
        targets: float `(N, F, D)`. Quantized targets (projected).
        negative_indices: int `(N, F, K)`. Per frame, K frame indices of the
            same utterance.
        codes: int `(N, F, G)`. Each frame's codebook entries.
        temperature: float > 0. kappa (paper: 0.1).

    Returns:
        float32 `(N, F, K + 1)`.
    """
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0 (paper: 0.1); got {temperature}.")
    context = ops.normalize(ops.cast(context, "float32"), axis=-1, epsilon=1e-8)
    targets = ops.normalize(ops.cast(targets, "float32"), axis=-1, epsilon=1e-8)
    batch, frames = ops.shape(negative_indices)[0], ops.shape(negative_indices)[1]
    negatives = ops.shape(negative_indices)[2]
    flat = ops.reshape(ops.cast(negative_indices, "int32"), (batch, frames * negatives))
    # (N, F*K, D) -> (N, F, K, D): each distractor's target vector and codes.
    negative_targets = ops.reshape(
        ops.take_along_axis(targets, flat[:, :, None], axis=1),
        (batch, frames, negatives, -1),
    )
    negative_codes = ops.reshape(
        ops.take_along_axis(codes, flat[:, :, None], axis=1),
        (batch, frames, negatives, -1),
    )
    positive = ops.sum(context * targets, axis=-1, keepdims=True)
    # n: utterance, f: frame, k: distractor, d: feature.
    negative = ops.einsum("nfd,nfkd->nfk", context, negative_targets)
    same_code = ops.all(ops.equal(negative_codes, codes[:, :, None, :]), axis=-1)
    negative = ops.where(same_code, _EXCLUDED, negative / temperature)
    return ops.concatenate([positive / temperature, negative], axis=-1)


def wav2vec2_contrastive_loss(context, targets, mask, negative_indices, codes,
                              temperature=0.1):
    """The contrastive loss L_m, averaged over the masked frames.

    Baevski et al. 2020, https://arxiv.org/abs/2006.11477, Eq. 3: for a
    masked frame t, `-log exp(sim(c_t, q_t)/kappa) / sum_{q in Q_t}
    exp(sim(c_t, q)/kappa)` with `Q_t` the positive and its distractors
    (`wav2vec2_contrastive_logits`). The mean over masked frames equals
    the paper's code's sum divided by its sample size (the masked frames).

    Args:
        context: float `(N, F, D)`. Context outputs (projected).
        targets: float `(N, F, D)`. Quantized targets (projected).
        mask: bool `(N, F)`. True on the masked frames.
        negative_indices: int `(N, F, K)`. Distractors' frame indices.
        codes: int `(N, F, G)`. Codebook entries of every frame.
        temperature: float > 0. kappa (paper: 0.1).

    Returns:
        `(loss, logits)`: the float32 scalar, 0 without masked frames, and
        the `(N, F, K + 1)` logits (for the accuracy).
    """
    logits = wav2vec2_contrastive_logits(
        context, targets, negative_indices, codes, temperature
    )
    # -log softmax at column 0: logsumexp of the row minus the positive.
    per_frame = ops.logsumexp(logits, axis=-1) - logits[:, :, 0]
    weight = ops.cast(mask, "float32")
    loss = ops.sum(per_frame * weight) / ops.maximum(ops.sum(weight), 1.0)
    return loss, logits


def codebook_perplexity(probs, mask):
    """Sum over codebooks of the perplexity of the frame-averaged softmax.

    `sum_g exp(-sum_v p_gv log p_gv)` with `p_g` the mean of `probs` over
    the frames where `mask` is True (Sec. 3.2): G x V when every entry is
    equally used on average, G when each codebook always picks one entry.

    Args:
        probs: float `(N, F, G, V)`. Softmax of the quantizer's logits.
        mask: bool `(N, F)`. The frames to average over.

    Returns:
        float32 scalar.
    """
    probs = ops.cast(probs, "float32")
    weight = ops.cast(mask, "float32")[:, :, None, None]
    average = ops.sum(probs * weight, axis=(0, 1)) / ops.maximum(ops.sum(weight), 1.0)
    entropy = -ops.sum(average * ops.log(ops.maximum(average, 1e-7)), axis=-1)
    return ops.sum(ops.exp(entropy))


def wav2vec2_diversity_loss(probs, mask):
    """The diversity loss L_d = (G V - perplexity) / (G V) (Eq. 4).

    Baevski et al. 2020, https://arxiv.org/abs/2006.11477, Sec. 3.2: it
    "encourage[s] the equal use of the V entries in each of the G
    codebooks"; 0 when the frame-averaged choice is uniform, `1 - 1 / V`
    when every codebook picks one entry (see `codebook_perplexity`).

    Args:
        probs: float `(N, F, G, V)`. Softmax of the quantizer's logits.
        mask: bool `(N, F)`. The frames to average over.

    Returns:
        float32 scalar.
    """
    groups, entries = probs.shape[-2], probs.shape[-1]
    total = float(groups * entries)
    return (total - codebook_perplexity(probs, mask)) / total
