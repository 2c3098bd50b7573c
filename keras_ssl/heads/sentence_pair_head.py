"""BERT's pooler and binary classifier for sentence-pair objectives."""

from keras_ssl.heads.mlp_head import MLPHead
from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class SentencePairHead(MLPHead):
    """Tells from the `[CLS]` vector whether a sentence pair is as written.

    BERT: "C is used for next sentence prediction (NSP)", C being "the final
    hidden vector of the special [CLS] token" (Devlin et al. 2019, Section
    3.1); its code first passes C through a "pooler", a `Dense(hidden_dim)`
    with tanh, then a linear classifier. ALBERT's sentence-order prediction
    uses the same head. The two-way softmax of BERT is written here as one
    logit (its sigmoid is the softmax's probability of label 1), so the
    output is one logit per pair: > 0 means "in the text's order".

    Reference: https://arxiv.org/abs/1810.04805,
    https://arxiv.org/abs/1909.11942

    Args:
        hidden_dim: int. Width of the tanh pooler (BERT: the encoder's).

    Example:
    ```python
    head = keras_ssl.heads.sentence_pair_head.SentencePairHead(hidden_dim=64)
    logits = head(np.zeros((8, 64)))  # (8, 1)
    ```
    """

    def __init__(self, hidden_dim, **kwargs):
        kwargs.pop("blocks", None)
        super().__init__(
            blocks=[(hidden_dim, False, "tanh"), (1, False, None)], **kwargs
        )
        self.hidden_dim = int(hidden_dim)

    def get_config(self):
        config = super().get_config()
        del config["blocks"]
        config.update(hidden_dim=self.hidden_dim)
        return config
