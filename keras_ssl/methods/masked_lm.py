"""Masked language modelling (BERT's pretraining task) on raw text."""

import keras
from keras import ops

from keras_ssl.data import text_checks
from keras_ssl.data import text_pipeline
from keras_ssl.data.text_vocabulary import learn_vocabulary
from keras_ssl.encoders.text_transformer import TextTransformer
from keras_ssl.inputs import MaskedTextInputs
from keras_ssl.losses.masked_token_loss import masked_token_loss
from keras_ssl.methods.registry import register_method
from keras_ssl.methods.ssl_model import SSLModel

__all__ = ["MaskedLM"]

# Arguments of `from_texts` that belong to MaskedLM, not to the encoder.
_METHOD_ARGS = (
    "mask_selection_rate", "mask_token_rate", "random_token_rate", "seed", "name"
)


@register_method("mlm")
class MaskedLM(SSLModel):
    """Masked language model (Devlin et al. 2019, "BERT"), from raw text.

    In the `tf.data` pipeline each text is WordPiece-tokenized, packed to
    `[CLS] pieces [SEP] [PAD]...`, and 15% of its tokens are selected
    (never padding or special tokens); a selected token becomes `[MASK]` 80%
    of the time, a random token 10%, and stays 10% (keras-nlp's
    `MaskedLMMaskGenerator`; new masks every epoch). The encoder's
    Transformer reads the masked ids and keras-nlp's `MaskedLMHead`, tied to
    the token embedding, predicts the original token at each selected
    position. The loss is the cross-entropy on selected positions only;
    `masked_token_accuracy` is logged next to it.

    Inputs to `fit`/`evaluate`/`predict` (read by its
    `keras_ssl.inputs.MaskedTextInputs`): a list of strings, a path to a
    text file (one text per non-blank line) or a `tf.data.Dataset` of
    strings; `batch_size` and `shuffle` work as usual. Strings stay in
    `tf.data`; the train step sees integer ids only, so it runs
    jit-compiled on every backend. `model.encoder` (a `TextTransformer`) maps strings to one vector
    per text; `predict` returns those vectors. The vocabulary is saved in
    the `.keras` file with the model.

    Reference: https://arxiv.org/abs/1810.04805

    Args:
        encoder: `keras_ssl.encoders.TextTransformer` holding the vocabulary.
        mask_selection_rate: float. Share of tokens selected for prediction.
        mask_token_rate: float. Share of selected tokens replaced by [MASK].
        random_token_rate: float. Share replaced by a random token; the rest
            (`1 - mask_token_rate - random_token_rate`) stay unchanged.
        seed: int or None. Seed of the model's random ops and text shuffling
            (masks are drawn by TensorFlow's random ops, which
            `keras.utils.set_random_seed` seeds).

    Example:
    ```python
    texts = ["a first text", "another text", ...]   # or "corpus.txt"
    model = keras_ssl.MaskedLM.from_texts(texts, vocabulary_size=2000)
    model.compile()
    model.fit(texts, epochs=10, batch_size=32)
    vectors = model.encoder.predict(["some sentence", "another one"])
    # A custom size, with a vocabulary learnt elsewhere:
    encoder = keras_ssl.encoders.TextTransformer(
        vocabulary=vocabulary, sequence_length=128, num_layers=4,
        num_heads=4, hidden_dim=256, intermediate_dim=1024,
    )
    model = keras_ssl.MaskedLM(encoder=encoder)
    ```
    """

    inputs_class = MaskedTextInputs

    def __init__(
        self,
        encoder,
        mask_selection_rate=0.15,
        mask_token_rate=0.8,
        random_token_rate=0.1,
        seed=None,
        **kwargs,
    ):
        import keras_nlp

        _check_encoder(encoder)
        _check_rates(mask_selection_rate, mask_token_rate, random_token_rate)
        input_format = MaskedTextInputs(
            encoder,
            selection_rate=float(mask_selection_rate),
            mask_token_rate=float(mask_token_rate),
            random_token_rate=float(random_token_rate),
            seed=seed,
        )
        super().__init__(
            encoder=encoder, seed=seed, input_format=input_format, **kwargs
        )
        self.sequence_length = input_format.sequence_length
        self.mask_selection_rate = float(mask_selection_rate)
        self.mask_token_rate = float(mask_token_rate)
        self.random_token_rate = float(random_token_rate)
        # The head's output layer is the transposed token embedding (tied),
        # so it is rebuilt from the encoder, never serialized on its own.
        self.head = keras_nlp.layers.MaskedLMHead(
            token_embedding=encoder.token_embedding.token_embedding,
            intermediate_activation="gelu",
            kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02),
            name="mlm_head",
        )
        selections = text_pipeline.mask_selection_length(
            self.sequence_length, self.mask_selection_rate
        )
        self.head.build(
            (None, self.sequence_length, self.feature_dim), (None, selections)
        )
        self.masked_token_accuracy = keras.metrics.SparseCategoricalAccuracy(
            name="masked_token_accuracy"
        )

    @classmethod
    def from_texts(
        cls,
        texts,
        vocabulary_size=5000,
        sequence_length=64,
        lowercase=True,
        strip_accents=True,
        **kwargs,
    ):
        """Learn a WordPiece vocabulary from `texts`, then build the model.

        Args:
            texts: a list of strings, a text file path or a `tf.data.Dataset`
                of strings (as for `fit`).
            vocabulary_size: int. The most WordPiece tokens to learn,
                special tokens included; a small corpus supports fewer, and
                a warning then gives the size learned.
            sequence_length: int. Tokens per text, [CLS] and [SEP] included.
            lowercase: bool. Lowercase before tokenizing.
            strip_accents: bool. Remove accents before tokenizing.
            **kwargs: `MaskedLM` arguments (`mask_selection_rate`,
                `mask_token_rate`, `random_token_rate`, `seed`, `name`) and
                `TextTransformer` size arguments (`num_layers`, `num_heads`,
                `hidden_dim`, `intermediate_dim`, `dropout`, `pooling`).

        Returns:
            A `MaskedLM` whose encoder holds the learnt vocabulary.
        """
        method_args = {k: kwargs.pop(k) for k in _METHOD_ARGS if k in kwargs}
        dataset, _ = text_checks.string_dataset(texts)
        vocabulary = learn_vocabulary(
            dataset, vocabulary_size, lowercase=lowercase, strip_accents=strip_accents
        )
        encoder = TextTransformer(
            vocabulary=vocabulary,
            sequence_length=sequence_length,
            lowercase=lowercase,
            strip_accents=strip_accents,
            **kwargs,
        )
        return cls(encoder=encoder, **method_args)

    @property
    def tokenizer(self):
        """The encoder's WordPiece tokenizer (vocabulary included)."""
        return self.encoder.tokenizer

    def prepare_inputs(self, x, batch_size=None, shuffle=False, masked=True):
        """The batches `fit`/`evaluate` (masked) or `predict` (`masked=False`)
        read from text `x`: a `tf.data` pipeline of token ids and masks.

        `.cache()` it to score the same masks on every backend (see
        `keras_ssl.evaluation.masked_lm_arrays`).
        """
        purpose = "evaluate" if masked else "predict"
        return self.input_format.batches(x, batch_size, shuffle, purpose)

    # --- SSLModel hooks ----------------------------------------------------

    def save_preset_assets(self, directory):
        # keras-nlp's tokenizer writes its vocabulary file, as in `.keras`.
        self.encoder.tokenizer.save_assets(directory)

    def load_preset_assets(self, directory):
        self.encoder.tokenizer.load_assets(directory)

    def compute_ssl_loss(self, batch, training):
        if "masked_token_ids" not in batch:
            raise ValueError(
                "MaskedLM trains on masked batches; pass raw text to fit/"
                "evaluate (the model tokenizes and masks it)."
            )
        sequence = self.encoder.backbone(batch["masked_token_ids"], training=training)
        logits = self.head(sequence, mask_positions=batch["mask_positions"])
        logits = ops.cast(logits, "float32")
        self.masked_token_accuracy.update_state(
            batch["mask_ids"], logits, sample_weight=batch["mask_weights"]
        )
        return masked_token_loss(batch["mask_ids"], logits, batch["mask_weights"])

    # --- Serialization -----------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config.update(
            mask_selection_rate=self.mask_selection_rate,
            mask_token_rate=self.mask_token_rate,
            random_token_rate=self.random_token_rate,
        )
        return config


def _check_encoder(encoder):
    if not isinstance(encoder, TextTransformer):
        raise ValueError(
            f"MaskedLM needs a keras_ssl.encoders.TextTransformer (it holds "
            f"the vocabulary and the token embedding the head is tied to); "
            f"got {type(encoder).__name__}. Build one with "
            f"MaskedLM.from_texts(texts) or TextTransformer(vocabulary=...)."
        )


def _check_rates(selection_rate, mask_token_rate, random_token_rate):
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
