"""Masked-token accuracy of a masked language model on held-out text.

Masks are random, so a figure is only reproducible on the same masked
positions: `masked_lm_arrays` masks held-out text once and returns the
result as numpy arrays, which can be saved (`numpy.savez`) and scored again
later, in any process and on any backend, with `masked_lm_metrics`.
"""

import numpy as np

from keras_ssl.data.text_pipeline import MASKED_LM_KEYS
from keras_ssl.data.text_vocabulary import SPECIAL_TOKENS


def masked_lm_arrays(model, texts, batch_size=256):
    """`texts` tokenized, packed and masked once by `model`'s pipeline.

    Returns:
        dict of numpy arrays with the masked-LM keys (`token_ids`,
        `masked_token_ids`, `mask_positions`, `mask_ids`, `mask_weights`),
        one row per text.
    """
    if not len(texts):
        raise ValueError("masked_lm_arrays needs at least one text.")
    batches = list(model.prepare_inputs(texts, batch_size=batch_size).as_numpy_iterator())
    return {key: np.concatenate([b[key] for b in batches]) for key in MASKED_LM_KEYS}


def most_frequent_token(model, texts):
    """The most frequent non-special token id of `model`'s tokenization of
    `texts` (the unigram baseline's constant prediction)."""
    counts = np.zeros(model.encoder.vocabulary_size, "int64")
    for start in range(0, len(texts), 4096):
        ids = np.asarray(model.encoder.tokenize(list(texts[start : start + 4096])))
        counts += np.bincount(ids.ravel(), minlength=len(counts))
    counts[: len(SPECIAL_TOKENS)] = 0
    return int(counts.argmax())


def masked_lm_metrics(model, data, unigram_token=None, batch_size=256):
    """Masked-token accuracy and loss of `model` on masked held-out text.

    Args:
        model: `keras_ssl.MaskedLM`.
        data: dict of masked arrays from `masked_lm_arrays` (or loaded from
            its saved `.npz`), or a list of strings (masked once, here).
        unigram_token: int or None. If given, also report the accuracy of
            always predicting this token id on the same positions.
        batch_size: int. Evaluation batch size.

    Returns:
        dict: `masked_token_accuracy`, `masked_token_loss`, `masked_tokens`
        and, with `unigram_token`, `unigram_accuracy`.

    Example:
    ```python
    model = keras_ssl.MaskedLM.from_preset("mlm_tiny_shakespeare")
    arrays = keras_ssl.evaluation.masked_lm_arrays(model, ["Some held-out text"])
    keras_ssl.evaluation.masked_lm_metrics(model, arrays)
    ```
    """
    if not isinstance(data, dict):
        data = masked_lm_arrays(model, data, batch_size)
    missing = [key for key in MASKED_LM_KEYS if key not in data]
    if missing:
        raise ValueError(
            f"masked_lm_metrics: the masked arrays lack {missing}; make them "
            f"with keras_ssl.evaluation.masked_lm_arrays."
        )
    data = {key: np.asarray(data[key]) for key in MASKED_LM_KEYS}
    scores = model.evaluate(data, batch_size=batch_size, verbose=0, return_dict=True)
    targets = data["mask_ids"][data["mask_weights"] == 1]
    metrics = {
        "masked_token_accuracy": round(float(scores["masked_token_accuracy"]), 4),
        "masked_token_loss": round(float(scores["loss"]), 4),
        "masked_tokens": int(len(targets)),
    }
    if unigram_token is not None:
        metrics["unigram_accuracy"] = round(float(np.mean(targets == unigram_token)), 4)
    return metrics
