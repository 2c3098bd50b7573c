"""wav2vec 2.0's span masks of frames and its distractor sampling."""

import keras
from keras import ops

from keras_ssl.backend.cross_replica import uniform_over_global_batch

__all__ = ["sample_distractor_indices", "span_mask"]


def span_mask(frame_mask, mask_prob, span, seed):
    """Masks of spans of `span` frames, started with probability `mask_prob`.

    The paper's convention (Baevski et al. 2020,
    https://arxiv.org/abs/2006.11477, Sec. 4.2): "we sample p = 0.065 of
    all time-steps to be starting indices and mask the subsequent M = 10
    time-steps"; spans may overlap (about 49% of the frames masked). Each
    frame of a clip where a whole span fits (start <= L - M, L the clip's
    valid frames) starts one independently with probability `mask_prob`;
    a clip where none was drawn gets one span at a uniform start, so every
    clip with a frame has at least one span. A clip shorter than `span`
    has all its frames masked. Padding frames are never masked.
    (Hugging Face's `mask_time_prob` follows fairseq's other convention:
    the share of frames covered, `mask_time_prob * L / M` spans.)

    Args:
        frame_mask: bool `(N, F)`. True on valid (non-padding) frames, a
            prefix of each row.
        mask_prob: float in (0, 1]. p, the chance of a start (paper: 0.065).
        span: int >= 1. M, frames per span (paper: 10).
        seed: `keras.random.SeedGenerator` (the model's) or int.

    Returns:
        bool `(N, F)`, True on masked frames.

    Example:
    ```python
    mask = span_mask(frame_mask, 0.065, 10, keras.random.SeedGenerator(0))
    ```
    """
    if not 0.0 < mask_prob <= 1.0 or int(span) < 1:
        raise ValueError(
            f"span masking needs mask_prob in (0, 1] and span >= 1 (paper: "
            f"p = 0.065, M = 10); got mask_prob={mask_prob}, span={span}."
        )
    frame_mask = ops.cast(frame_mask, "bool")
    batch, frames = ops.shape(frame_mask)[0], ops.shape(frame_mask)[1]
    lengths = ops.sum(ops.cast(frame_mask, "int32"), axis=1, keepdims=True)
    position = ops.arange(frames, dtype="int32")[None, :]
    last_start = ops.maximum(lengths - span, 0)
    allowed = ops.logical_and(position <= last_start, lengths > 0)
    noise = uniform_over_global_batch((batch, 2 * frames), seed)
    starts = ops.logical_and(noise[:, :frames] < mask_prob, allowed)
    # A clip with no start drawn: one start, uniform over the allowed ones.
    fallback = ops.argmax(ops.where(allowed, noise[:, frames:], -1.0), axis=1)
    fallback = ops.logical_and(
        ops.equal(position, ops.cast(fallback, "int32")[:, None]), allowed
    )
    none_drawn = ops.logical_not(ops.any(starts, axis=1, keepdims=True))
    starts = ops.where(none_drawn, fallback, starts)
    # Frame t is masked when a span starts at one of t - M + 1, ..., t.
    starts = ops.cast(starts, "int32")
    covered = starts
    for shift in range(1, int(span)):
        shifted = ops.pad(starts, ((0, 0), (shift, 0)))[:, :frames]
        covered = covered + shifted
    return ops.logical_and(covered > 0, frame_mask)


def sample_distractor_indices(mask, num_negatives, seed):
    """K distractor frames per frame, from the same utterance's masked frames.

    For a masked frame t of utterance n, `num_negatives` indices drawn
    uniformly with replacement from n's other masked frames (the positive
    excluded, as the paper's code does: draw among the m - 1 others by
    skipping t's own rank). With a single masked frame every index is t
    itself, whose code equals the positive's, so the loss drops it. Rows
    of unmasked frames hold indices of masked frames too (unused).

    Args:
        mask: bool `(N, F)`. True on masked frames.
        num_negatives: int >= 1. K (paper: 100).
        seed: `keras.random.SeedGenerator` (the model's) or int.

    Returns:
        int32 `(N, F, K)` frame indices.

    Example:
    ```python
    negatives = sample_distractor_indices(mask, 100, keras.random.SeedGenerator(0))
    ```
    """
    if int(num_negatives) < 1:
        raise ValueError(f"num_negatives must be >= 1 (paper: 100); got {num_negatives}.")
    mask = ops.cast(mask, "int32")
    batch, frames = ops.shape(mask)[0], ops.shape(mask)[1]
    position = ops.arange(frames, dtype="int32")[None, :]
    # The masked frames' indices first, in order: sort by a unique key.
    order = ops.cast(ops.argsort(position + (1 - mask) * frames, axis=1), "int32")
    count = ops.sum(mask, axis=1)[:, None, None]           # m per utterance
    rank = (ops.cumsum(mask, axis=1) - 1)[:, :, None]      # t's place among them
    noise = keras.random.uniform((batch, frames, int(num_negatives)), seed=seed)
    draw = ops.cast(noise * ops.cast(ops.maximum(count - 1, 1), "float32"), "int32")
    draw = ops.minimum(draw, ops.maximum(count - 2, 0))
    draw = ops.where(ops.logical_and(draw >= rank, count > 1), draw + 1, draw)
    flat = ops.reshape(draw, (batch, frames * int(num_negatives)))
    picked = ops.take_along_axis(order, flat, axis=1)
    return ops.reshape(picked, (batch, frames, int(num_negatives)))
