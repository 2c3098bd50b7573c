"""Sentence embeddings from token vectors: the poolings of text encoders.

A text encoder's Transformer gives one vector per token, `(N, L, D)`; its
sentence embedding is one of:

- `"mean"`: the mean over non-padding tokens (`[CLS]` and `[SEP]`
  included), as Sentence-BERT's default (Reimers & Gurevych 2019,
  https://arxiv.org/abs/1908.10084). Width `D`.
- `"cls"`: the first token's vector; keras_ssl packs every text as
  `[CLS] pieces [SEP]`, so it is `[CLS]`'s (BERT, Devlin et al. 2019,
  https://arxiv.org/abs/1810.04805). Width `D`.
- `"mean_cls"`: both, concatenated `[mean, cls]`. Width `2 * D`.
"""

import keras

#: The poolings text encoders take, in the order above.
POOLINGS = ("mean", "cls", "mean_cls")


def check_pooling(pooling):
    """Raise a ValueError naming the choices unless `pooling` is one."""
    if pooling not in POOLINGS:
        raise ValueError(
            f"pooling must be one of {POOLINGS} (mean over non-padding "
            f"tokens, the [CLS] token, or both concatenated); got {pooling!r}."
        )


def pooled_width(hidden_dim, pooling):
    """Width of the sentence embedding of `hidden_dim`-wide token vectors."""
    return 2 * hidden_dim if pooling == "mean_cls" else hidden_dim


def pool_tokens(sequence, padding_mask, pooling):
    """The sentence embedding `(N, W)` of token vectors `(N, L, D)`.

    Args:
        sequence: float `(N, L, D)` (a functional-model tensor).
        padding_mask: bool `(N, L)`, True on real tokens.
        pooling: one of `POOLINGS`.
    """
    check_pooling(pooling)
    parts = []
    if pooling in ("mean", "mean_cls"):
        parts.append(
            keras.layers.GlobalAveragePooling1D(name="mean_pool")(
                sequence, mask=padding_mask
            )
        )
    if pooling in ("cls", "mean_cls"):
        parts.append(sequence[:, 0, :])  # [CLS] is always first.
    if len(parts) == 1:
        return parts[0]
    return keras.layers.Concatenate(axis=-1, name="mean_cls_pool")(parts)
