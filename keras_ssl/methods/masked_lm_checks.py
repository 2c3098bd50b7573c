"""Check `MaskedLM`'s arguments before any layer is built."""

from keras_ssl.encoders.text_transformer import TextTransformer


def check_encoder(encoder):
    """Raise a ValueError unless `encoder` is a `TextTransformer`."""
    if not isinstance(encoder, TextTransformer):
        raise ValueError(
            f"MaskedLM needs a keras_ssl.encoders.TextTransformer (it holds "
            f"the vocabulary and the token embedding the head is tied to); "
            f"got {type(encoder).__name__}. Build one with "
            f"MaskedLM.from_texts(texts) or TextTransformer(vocabulary=...)."
        )


def check_rates(selection_rate, mask_token_rate, random_token_rate):
    """Raise a ValueError naming the rate that is out of range."""
    if not 0.0 < selection_rate < 1.0:
        raise ValueError(
            f"mask_selection_rate must be in (0, 1); got {selection_rate} "
            f"(BERT uses 0.15)."
        )
    for name, rate in (
        ("mask_token_rate", mask_token_rate),
        ("random_token_rate", random_token_rate),
    ):
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"{name} must be in [0, 1]; got {rate}.")
    if mask_token_rate + random_token_rate > 1.0:
        raise ValueError(
            f"mask_token_rate + random_token_rate must be <= 1; got "
            f"{mask_token_rate} + {random_token_rate} (BERT: 0.8 + 0.1)."
        )
