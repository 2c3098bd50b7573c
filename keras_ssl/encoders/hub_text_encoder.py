"""A keras-hub text backbone as a keras_ssl text encoder (strings -> vectors)."""

import keras
from keras import ops

from keras_ssl.data.text_packing import TokenIdPacker
from keras_ssl.data.text_vocabulary import UNK
from keras_ssl.encoders.string_inputs import StringInputs
from keras_ssl.encoders.text_transformer_checks import resolve_vocabulary
from keras_ssl.encoders.text_transformer_pooling import POOLINGS  # noqa: F401
from keras_ssl.encoders.text_transformer_pooling import check_pooling
from keras_ssl.encoders.text_transformer_pooling import pool_tokens
from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class HubTextEncoder(StringInputs, keras.Model):
    """Wraps a keras-hub text backbone (e.g. `keras_hub.models.BertBackbone`)
    so that text methods (`keras_ssl.SimCSE`) and `TextClassifier` take it.

    The network maps int token ids `(N, L)` (`[PAD]` = 0) to one vector per
    text: it builds the backbone's `padding_mask` (and zero `segment_ids`
    where the backbone takes them), reads its `sequence_output` and pools it
    (mean over non-padding tokens, or the first, `[CLS]`, token). Strings
    are tokenized with a WordPiece tokenizer on `vocabulary` (keras_ssl's
    special tokens, `[PAD]` first), as `TextTransformer` does; the
    vocabulary is saved with the model.

    Reference: https://arxiv.org/abs/1810.04805 (BERT)

    Args:
        backbone: a keras-hub `Backbone` taking a dict of `token_ids` and
            `padding_mask` (and optionally `segment_ids`) and returning a
            `(N, L, hidden_dim)` tensor or a dict with `sequence_output`.
        vocabulary: list of str (`len(vocabulary)` must equal the backbone's
            `vocabulary_size`); None only when loading a saved model.
        sequence_length: int. Tokens per text, `[CLS]`/`[SEP]` included;
            longer texts are truncated. At most the backbone's
            `max_sequence_length`.
        pooling: `"mean"`, `"cls"` or `"mean_cls"` (width twice the
            backbone's).
        lowercase: bool. Lowercase before tokenizing.
        strip_accents: bool. Remove accents before tokenizing.
        name: str. Model name.

    Example:
    ```python
    backbone = keras_hub.models.BertBackbone(
        vocabulary_size=len(vocabulary), num_layers=2, num_heads=2,
        hidden_dim=64, intermediate_dim=128, max_sequence_length=64,
    )
    encoder = keras_ssl.encoders.HubTextEncoder(backbone, vocabulary)
    model = keras_ssl.SimCSE(encoder)
    ```
    """

    def __init__(
        self,
        backbone,
        vocabulary=None,
        sequence_length=64,
        pooling="mean",
        lowercase=True,
        strip_accents=True,
        name="hub_text_encoder",
        **kwargs,
    ):
        import keras_nlp

        vocabulary_size = getattr(backbone, "vocabulary_size", None)
        vocabulary, vocabulary_size = resolve_vocabulary(vocabulary, vocabulary_size)
        check_pooling(pooling)
        longest = getattr(backbone, "max_sequence_length", None)
        if longest is not None and sequence_length > longest:
            raise ValueError(
                f"sequence_length={sequence_length} exceeds the backbone's "
                f"max_sequence_length={longest}; pass a smaller one."
            )
        input_names = set(getattr(backbone, "input_names", None) or [])
        if "token_ids" not in input_names and isinstance(backbone.input, dict):
            input_names = set(backbone.input)
        if "token_ids" not in input_names:
            raise ValueError(
                f"HubTextEncoder wraps a keras-hub text backbone taking a dict "
                f"with 'token_ids' (e.g. keras_hub.models.BertBackbone); "
                f"{type(backbone).__name__} takes {sorted(input_names)}."
            )
        tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(
            vocabulary=vocabulary, lowercase=lowercase, strip_accents=strip_accents,
            oov_token=UNK, name="tokenizer",
        )

        # === Functional model ===
        token_ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")
        padding_mask = ops.not_equal(token_ids, 0)
        inputs = {"token_ids": token_ids, "padding_mask": padding_mask}
        if "segment_ids" in input_names:
            inputs["segment_ids"] = ops.zeros_like(token_ids)
        sequence = backbone(inputs)
        if isinstance(sequence, dict):
            sequence = sequence["sequence_output"]
        pooled = pool_tokens(sequence, padding_mask, pooling)
        super().__init__(inputs=token_ids, outputs=pooled, name=name, **kwargs)

        # === Sub-layers and config ===
        self.backbone = backbone
        self.tokenizer = tokenizer
        self.vocabulary_size = vocabulary_size
        self.sequence_length = int(sequence_length)
        # The width of the sentence vectors (as in keras_ssl before
        # "mean_cls": the text inputs read it as the feature width).
        self.hidden_dim = int(pooled.shape[-1])
        self.output_dim = self.hidden_dim
        self.pooling = pooling
        self.lowercase = lowercase
        self.strip_accents = strip_accents
        self._packer = TokenIdPacker(tokenizer, sequence_length, owner=self.name)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "backbone": keras.layers.serialize(self.backbone),
            "vocabulary": None,  # saved as the tokenizer's asset
            "sequence_length": self.sequence_length,
            "pooling": self.pooling,
            "lowercase": self.lowercase,
            "strip_accents": self.strip_accents,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["backbone"] = keras.layers.deserialize(config["backbone"])
        return cls(**config)
