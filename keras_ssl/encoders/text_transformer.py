"""A small BERT-style Transformer that maps raw text to one vector per text.

Its argument checks are in `text_transformer_checks.py`; turning strings
into token ids is `keras_ssl.data.text_packing` (eagerly) and
`keras_ssl.data.text_pipeline` (in `tf.data`).
"""

import keras
from keras import ops

from keras_ssl.data.text_packing import TokenIdPacker
from keras_ssl.data.text_vocabulary import UNK
from keras_ssl.encoders.string_inputs import StringInputs
from keras_ssl.encoders.text_transformer_checks import SEPARATOR_ID
from keras_ssl.encoders.text_transformer_checks import check_segment_embedding
from keras_ssl.encoders.text_transformer_checks import check_sizes
from keras_ssl.encoders.text_transformer_checks import resolve_vocabulary
from keras_ssl.encoders.text_transformer_pooling import pool_tokens
from keras_ssl.encoders.text_transformer_pooling import pooled_width
from keras_ssl.loading import encoder_from_preset
from keras_ssl.serialization import keras_ssl_serializable

# BERT initialises every weight from a normal truncated at 2 standard
# deviations, with standard deviation 0.02 (Devlin et al. 2019, code).
_INITIALIZER_STDDEV = 0.02


def _initializer():
    return keras.initializers.TruncatedNormal(stddev=_INITIALIZER_STDDEV)


def _padding_mask(token_ids):
    # `[PAD]` is id 0 in every keras_ssl vocabulary (`check_vocabulary`).
    return ops.not_equal(token_ids, 0)


def segment_ids(token_ids):
    """BERT's segment ids of packed ids `[CLS] a [SEP] b [SEP] [PAD]...`.

    0 up to and including the first `[SEP]`, 1 after it (padding included:
    it is masked out anyway). A single text is all segment 0.
    """
    is_separator = ops.cast(ops.equal(token_ids, SEPARATOR_ID), "int32")
    return ops.minimum(ops.cumsum(is_separator, axis=1) - is_separator, 1)


@keras_ssl_serializable
class TextTransformer(StringInputs, keras.Model):
    """BERT-style text encoder: strings (or token ids) -> one vector per text.

    Token and position embeddings (plus, with `segment_embedding=True`,
    BERT's segment embedding), LayerNorm and dropout, then `num_layers`
    post-norm Transformer encoder blocks (keras-nlp's
    `TokenAndPositionEmbedding` and `TransformerEncoder`, GELU), then pooling
    (`keras_ssl.encoders.text_transformer_pooling`): the mean over
    non-padding tokens (`"mean"`, default), the `[CLS]` token's vector
    (`"cls"`), or both concatenated (`"mean_cls"`, width `2 * hidden_dim`).
    `encoder.predict(list_of_strings)` gives one pooled vector per string,
    `(len(list_of_strings), encoder.output_dim)`. `encoder.backbone` is the
    same network without the pooling: token ids `(N, L)` ->
    `(N, L, hidden_dim)`.

    Segments: a sentence pair is packed `[CLS] a [SEP] b [SEP]` (MaskedLM's
    sentence objectives); the segment ids are read off the ids themselves
    (0 up to the first `[SEP]`, 1 after it; `segment_ids`), so the network
    keeps its one input and a single text is all segment 0.

    How strings get in, on every backend: the network itself is a plain
    functional `keras.Model` on int token ids `(N, L)`, so it jit-compiles
    on TensorFlow, JAX and PyTorch alike. Strings never enter it: `__call__`
    and `predict` first tokenize them with `encoder.tokenizer` (keras-nlp's
    `WordPieceTokenizer`, TensorFlow ops, run eagerly or in `tf.data`) and
    pack them to `[CLS] pieces [SEP] [PAD]...` of length `sequence_length`
    (`encoder.tokenize(texts)` shows the ids). The tokenizer is a sub-layer,
    so its vocabulary is written into `.keras` files (as keras-nlp's asset
    `vocabulary.txt`) and restored on load: nothing else to carry.

    Reference: https://arxiv.org/abs/1810.04805

    Args:
        vocabulary: list of str. WordPiece vocabulary holding `[PAD]` (first),
            `[CLS]`, `[SEP]`, `[UNK]` and `[MASK]`; learn one with
            `keras_ssl.MaskedLM.from_texts`. None only when the vocabulary is
            restored later (loading a saved model).
        vocabulary_size: int. Needed only without `vocabulary`; otherwise
            `len(vocabulary)`.
        sequence_length: int. Tokens per text, `[CLS]` and `[SEP]` included;
            longer texts are truncated.
        num_layers: int. Transformer blocks.
        num_heads: int. Attention heads per block; must divide `hidden_dim`.
        hidden_dim: int. Width of the token vectors and of the output.
        intermediate_dim: int. Width of each block's feed-forward layer.
        dropout: float. Dropout rate of embeddings, attention and
            feed-forward outputs.
        pooling: `"mean"`, `"cls"` or `"mean_cls"`: the sentence vector
            (see above). Models saved before `"mean_cls"` existed load with
            the pooling they were saved with.
        lowercase: bool. Lowercase text before tokenizing.
        strip_accents: bool. Remove accents before tokenizing.
        segment_embedding: bool. Add BERT's learned segment embedding (two
            segments) to the token embedding. Needs `[SEP]` at id 2, as
            keras_ssl's learnt vocabularies have it. Models saved without
            this argument load without it (False).
        name: string. Model name.

    Example:
    ```python
    model = keras_ssl.MaskedLM.from_texts(texts, vocabulary_size=2000)
    encoder = model.encoder                      # a TextTransformer
    vectors = encoder.predict(["some sentence", "another one"])  # (2, 64)
    custom = keras_ssl.encoders.TextTransformer(
        vocabulary=model.tokenizer.get_vocabulary(),
        sequence_length=128, num_layers=4, num_heads=4, hidden_dim=128,
        intermediate_dim=512, pooling="mean_cls",
    )
    custom.predict(["some sentence", "another one"])  # (2, 256)
    ```
    """

    def __init__(
        self,
        vocabulary=None,
        vocabulary_size=None,
        sequence_length=64,
        num_layers=2,
        num_heads=2,
        hidden_dim=64,
        intermediate_dim=128,
        dropout=0.1,
        pooling="mean",
        lowercase=True,
        strip_accents=True,
        segment_embedding=False,
        name="text_transformer",
        **kwargs,
    ):
        import keras_nlp

        vocabulary, vocabulary_size = resolve_vocabulary(vocabulary, vocabulary_size)
        check_sizes(
            vocabulary_size, sequence_length, num_layers, num_heads, hidden_dim,
            intermediate_dim, dropout, pooling,
        )
        check_segment_embedding(segment_embedding, vocabulary)

        # === Layers ===
        tokenizer = keras_nlp.tokenizers.WordPieceTokenizer(
            vocabulary=vocabulary,
            lowercase=lowercase,
            strip_accents=strip_accents,
            oov_token=UNK,
            name="tokenizer",
        )
        token_embedding = keras_nlp.layers.TokenAndPositionEmbedding(
            vocabulary_size=vocabulary_size,
            sequence_length=sequence_length,
            embedding_dim=hidden_dim,
            embeddings_initializer=_initializer(),
            name="token_and_position_embedding",
        )
        segment_layer = None
        if segment_embedding:
            segment_layer = keras.layers.Embedding(
                2, hidden_dim, embeddings_initializer=_initializer(),
                name="segment_embedding",
            )
        embeddings_norm = keras.layers.LayerNormalization(
            epsilon=1e-12, name="embeddings_layer_norm"
        )
        embeddings_dropout = keras.layers.Dropout(dropout, name="embeddings_dropout")
        transformer_layers = [
            keras_nlp.layers.TransformerEncoder(
                intermediate_dim=intermediate_dim,
                num_heads=num_heads,
                dropout=dropout,
                activation="gelu",
                layer_norm_epsilon=1e-12,
                kernel_initializer=_initializer(),
                name=f"transformer_layer_{index}",
            )
            for index in range(num_layers)
        ]

        # === Functional model ===
        token_ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")
        padding_mask = _padding_mask(token_ids)
        x = token_embedding(token_ids)
        if segment_layer is not None:
            x = keras.layers.Add(name="add_segments")(
                [x, segment_layer(segment_ids(token_ids))]
            )
        x = embeddings_dropout(embeddings_norm(x))
        for layer in transformer_layers:
            x = layer(x, padding_mask=padding_mask)
        backbone = keras.Model(token_ids, x, name="backbone")

        token_ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")
        sequence = backbone(token_ids)
        pooled = pool_tokens(sequence, _padding_mask(token_ids), pooling)
        super().__init__(inputs=token_ids, outputs=pooled, name=name, **kwargs)

        # === Sub-layers used outside the graph ===
        self.backbone = backbone
        self.token_embedding = token_embedding
        self.tokenizer = tokenizer

        # === Config ===
        self.vocabulary_size = vocabulary_size
        self.sequence_length = sequence_length
        self.num_layers = num_layers
        self.num_heads = num_heads
        self.hidden_dim = hidden_dim
        self.intermediate_dim = intermediate_dim
        self.dropout = dropout
        self.pooling = pooling
        self.lowercase = lowercase
        self.strip_accents = strip_accents
        self.segment_embedding = bool(segment_embedding)
        #: Width of the sentence vectors (`2 * hidden_dim` for "mean_cls").
        self.output_dim = pooled_width(hidden_dim, pooling)
        self._packer = TokenIdPacker(tokenizer, sequence_length, owner=self.name)

    # --- Serialization -----------------------------------------------------

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            # The vocabulary is saved as an asset of `self.tokenizer`.
            "vocabulary": None,
            "vocabulary_size": self.vocabulary_size,
            "sequence_length": self.sequence_length,
            "num_layers": self.num_layers,
            "num_heads": self.num_heads,
            "hidden_dim": self.hidden_dim,
            "intermediate_dim": self.intermediate_dim,
            "dropout": self.dropout,
            "pooling": self.pooling,
            "lowercase": self.lowercase,
            "strip_accents": self.strip_accents,
            "segment_embedding": self.segment_embedding,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    # `TextTransformer.from_preset(name)`: the pretrained encoder (with its
    # vocabulary) of a masked-LM preset.
    from_preset = classmethod(encoder_from_preset)

