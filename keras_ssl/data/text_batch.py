"""One batch of token ids, as the train/test/predict step sees it.

The `tf.data` pipeline (`text_pipeline.py`) has already turned text into
integers, so this runs inside the traced step with `keras.ops` on any backend.
"""

from keras import ops

#: The key of the packed (unmasked) token ids in a batch dict.
TOKEN_IDS_KEY = "token_ids"


def standardize_text_batch(data):
    """The dict view of a batch: `x`, `(x,)`, `(x, y)`, a dict or a tensor.

    Args:
        data: a batch as delivered by `fit`/`predict`: a dict holding
            `"token_ids"` (and, for training, the masked-LM entries), or a
            token-id tensor `(N, L)`, possibly inside a tuple.

    Returns:
        A dict with at least `"token_ids"`, int32.
    """
    if isinstance(data, (tuple, list)):
        return standardize_text_batch(data[0])
    if not isinstance(data, dict):
        data = {TOKEN_IDS_KEY: data}
    if TOKEN_IDS_KEY not in data:
        raise ValueError(
            f"A text batch dict must hold {TOKEN_IDS_KEY!r}; got keys "
            f"{sorted(data)}. Pass raw strings and let the model tokenize "
            f"them, or token ids (N, L)."
        )
    batch = dict(data)
    batch[TOKEN_IDS_KEY] = ops.cast(batch[TOKEN_IDS_KEY], "int32")
    return batch


def text_batch_size(data):
    """Number of texts in a batch."""
    return ops.shape(standardize_text_batch(data)[TOKEN_IDS_KEY])[0]
