"""Masked language modelling (BERT's pretraining task) on raw text."""

import keras
from keras import ops

from keras_ssl.data import text_checks
from keras_ssl.data import text_pipeline
from keras_ssl.data.text_pair_pipeline import SENTENCE_LABELS_KEY
from keras_ssl.data.text_sentence_pairs import check_sentence_objective
from keras_ssl.data.text_vocabulary import learn_vocabulary
from keras_ssl.encoders.text_transformer import TextTransformer
from keras_ssl.heads.sentence_pair_head import SentencePairHead
from keras_ssl.inputs import MaskedTextInputs
from keras_ssl.losses.masked_token_loss import masked_token_loss
from keras_ssl.losses.sentence_pair_loss import sentence_pair_loss
from keras_ssl.methods.masked_lm_checks import check_encoder
from keras_ssl.methods.masked_lm_checks import check_rates
from keras_ssl.methods.registry import register_method
from keras_ssl.methods.ssl_model import SSLModel

__all__ = ["MaskedLM"]

# Arguments of `from_texts` that belong to MaskedLM, not to the encoder.
_METHOD_ARGS = (
    "mask_selection_rate", "mask_token_rate", "random_token_rate", "seed", "name",
    "sentence_objective",
)

# The logged names of each sentence objective's accuracy and loss.
_SENTENCE_METRICS = {
    "nsp": ("next_sentence_accuracy", "next_sentence_loss"),
    "sop": ("sentence_order_accuracy", "sentence_order_loss"),
}


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

    Sentence objectives (`sentence_objective`, one at a time): BERT's
    next-sentence prediction (`"nsp"`: the second sentence of a pair is
    replaced by a random sentence of another document 50% of the time) or
    ALBERT's sentence-order prediction (`"sop"`: the two sentences are
    swapped 50% of the time). `fit` then reads documents: every two
    consecutive sentences of a document make a pair, packed
    `[CLS] a [SEP] b [SEP]` (segment ids read off the `[SEP]`, with the
    encoder's `segment_embedding`), masked as above; a `SentencePairHead`
    on the `[CLS]` vector tells whether the pair is as written. The loss is
    the masked-token loss plus the pair's binary cross-entropy (BERT's sum);
    `masked_token_loss`, `next_sentence_loss` / `sentence_order_loss` and
    `next_sentence_accuracy` / `sentence_order_accuracy` are logged. Pairs
    are labelled in the data pipeline (`keras_ssl.data.text_pair_pipeline`),
    from `seed` and the epoch: swapping changes where every token sits, so
    the masks (drawn in `tf.data`) must come after it.

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
        seed: int or None. Seed of the model's random ops, text shuffling
            and sentence pairs (masks are drawn by TensorFlow's random ops,
            which `keras.utils.set_random_seed` seeds).
        sentence_objective: None (masked tokens only), `"nsp"` (BERT) or
            `"sop"` (ALBERT). Models saved before it existed load with None.

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
    # With ALBERT's sentence-order prediction, on multi-sentence documents:
    model = keras_ssl.MaskedLM.from_texts(
        documents, vocabulary_size=2000, sentence_objective="sop"
    )  # its encoder gets a segment embedding
    model.compile()
    model.fit(documents, epochs=10)  # logs sentence_order_accuracy
    ```

    Reference (sentence order): https://arxiv.org/abs/1909.11942
    """

    inputs_class = MaskedTextInputs

    def __init__(
        self,
        encoder,
        mask_selection_rate=0.15,
        mask_token_rate=0.8,
        random_token_rate=0.1,
        seed=None,
        sentence_objective=None,
        **kwargs,
    ):
        import keras_nlp

        check_encoder(encoder)
        check_rates(mask_selection_rate, mask_token_rate, random_token_rate)
        check_sentence_objective(sentence_objective)
        input_format = MaskedTextInputs(
            encoder,
            selection_rate=float(mask_selection_rate),
            mask_token_rate=float(mask_token_rate),
            random_token_rate=float(random_token_rate),
            seed=seed,
            sentence_objective=sentence_objective,
        )
        super().__init__(
            encoder=encoder, seed=seed, input_format=input_format, **kwargs
        )
        self.sequence_length = input_format.sequence_length
        self.mask_selection_rate = float(mask_selection_rate)
        self.mask_token_rate = float(mask_token_rate)
        self.random_token_rate = float(random_token_rate)
        self.sentence_objective = sentence_objective
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
            (None, self.sequence_length, encoder.hidden_dim), (None, selections)
        )
        self.masked_token_accuracy = keras.metrics.SparseCategoricalAccuracy(
            name="masked_token_accuracy"
        )
        if sentence_objective is not None:
            self.sentence_head = SentencePairHead(
                encoder.hidden_dim, name="sentence_pair_head"
            )
            self.sentence_head.build((None, encoder.hidden_dim))
            accuracy, loss = _SENTENCE_METRICS[sentence_objective]
            self.sentence_accuracy = keras.metrics.BinaryAccuracy(name=accuracy)
            self.sentence_loss_tracker = keras.metrics.Mean(name=loss)
            self.masked_token_loss_tracker = keras.metrics.Mean(name="masked_token_loss")

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
                `hidden_dim`, `intermediate_dim`, `dropout`, `pooling`,
                `segment_embedding`: True by default with a
                `sentence_objective`).

        Returns:
            A `MaskedLM` whose encoder holds the learnt vocabulary.
        """
        method_args = {k: kwargs.pop(k) for k in _METHOD_ARGS if k in kwargs}
        if method_args.get("sentence_objective") is not None:
            kwargs.setdefault("segment_embedding", True)
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
        if self.sentence_objective is not None and SENTENCE_LABELS_KEY not in batch:
            raise ValueError(
                f"This MaskedLM (sentence_objective={self.sentence_objective!r}) "
                f"trains on sentence pairs; pass documents (raw text) to fit/"
                f"evaluate, or the batches of model.prepare_inputs(documents)."
            )
        sequence = self.encoder.backbone(batch["masked_token_ids"], training=training)
        logits = self.head(sequence, mask_positions=batch["mask_positions"])
        logits = ops.cast(logits, "float32")
        self.masked_token_accuracy.update_state(
            batch["mask_ids"], logits, sample_weight=batch["mask_weights"]
        )
        loss = masked_token_loss(batch["mask_ids"], logits, batch["mask_weights"])
        if self.sentence_objective is None:
            return loss
        # The [CLS] vector (always first) feeds the pair classifier.
        pair_logits = self.sentence_head(sequence[:, 0, :], training=training)
        pair_logits = ops.cast(pair_logits[:, 0], "float32")
        labels = ops.cast(batch[SENTENCE_LABELS_KEY], "float32")
        pair_loss = sentence_pair_loss(labels, pair_logits)
        self.sentence_accuracy.update_state(labels, ops.sigmoid(pair_logits))
        self.sentence_loss_tracker.update_state(pair_loss)
        self.masked_token_loss_tracker.update_state(loss)
        return loss + pair_loss

    # --- Serialization -----------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config.update(
            mask_selection_rate=self.mask_selection_rate,
            mask_token_rate=self.mask_token_rate,
            random_token_rate=self.random_token_rate,
            sentence_objective=self.sentence_objective,
        )
        return config

