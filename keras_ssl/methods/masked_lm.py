"""Masked language modelling (BERT's pretraining task) on raw text."""

import keras
from keras import ops

from keras_ssl.data import text_batch
from keras_ssl.data import text_checks
from keras_ssl.data import text_pipeline
from keras_ssl.data.image_checks import is_tf_dataset
from keras_ssl.data.text_vocabulary import learn_vocabulary
from keras_ssl.encoders.text_transformer import TextTransformer
from keras_ssl.methods.ssl_model import SSLModel
from keras_ssl.serialization import keras_ssl_serializable

# Arguments of `from_texts` that belong to MaskedLM, not to the encoder.
_METHOD_ARGS = (
    "mask_selection_rate", "mask_token_rate", "random_token_rate", "seed", "name"
)


def masked_token_loss(mask_ids, logits, mask_weights):
    """Mean cross-entropy over the selected positions only.

    BERT's loss: `sum_i w_i * -log softmax(logits_i)[y_i] / sum_i w_i` over
    the P selection slots of each text, where `w_i` is 1 for a selected
    token and 0 for an unused slot (a batch without selections gives 0).

    Args:
        mask_ids: int `(N, P)`. Original ids at the selected positions.
        logits: float `(N, P, V)`. Predictions at those positions.
        mask_weights: float `(N, P)`. 1 for real selections, 0 for padding.

    Returns:
        Scalar float32 loss.
    """
    logits = ops.cast(logits, "float32")
    mask_weights = ops.cast(mask_weights, "float32")
    per_slot = ops.sparse_categorical_crossentropy(mask_ids, logits, from_logits=True)
    total = ops.sum(per_slot * mask_weights)
    return total / ops.maximum(ops.sum(mask_weights), 1.0)


@keras_ssl_serializable
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

    Inputs to `fit`/`evaluate`/`predict`: a list of strings, a path to a text
    file (one text per non-blank line) or a `tf.data.Dataset` of strings;
    `batch_size` and `shuffle` work as usual. Strings stay in `tf.data`; the
    train step sees integer ids only, so it runs jit-compiled on every
    backend. `model.encoder` (a `TextTransformer`) maps strings to one vector
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

        super().__init__(encoder=encoder, seed=seed, **kwargs)
        _check_rates(mask_selection_rate, mask_token_rate, random_token_rate)
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
            vocabulary_size: int. WordPiece tokens to learn, special tokens
                included. Raises if the corpus supports far fewer.
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

    # --- SSLModel hooks ----------------------------------------------------

    def check_encoder(self):
        if not isinstance(self.encoder, TextTransformer):
            raise ValueError(
                f"MaskedLM needs a keras_ssl.encoders.TextTransformer (it "
                f"holds the vocabulary and the token embedding the head is "
                f"tied to); got {type(self.encoder).__name__}. Build one with "
                f"MaskedLM.from_texts(texts) or TextTransformer(vocabulary=...)."
            )
        self.sequence_length = self.encoder.sequence_length
        self.feature_dim = self.encoder.hidden_dim

    def prepare_inputs(self, x, batch_size=None, shuffle=False, masked=True):
        """Text -> a `tf.data` pipeline of token-id batches (masked for
        `fit`/`evaluate`, plain for `predict`); batches already in that form
        pass through."""
        if x is None or text_pipeline.is_masked_lm_batches(x):
            return x
        if not text_checks.is_text_input(x) and _is_token_ids(x):
            return x  # For predict; fit/evaluate refuse them first.
        texts, batched = text_checks.string_dataset(x)
        # Lists, arrays and files shuffle whole; datasets keep their order.
        shuffle_buffer = 0
        if shuffle and not is_tf_dataset(x):
            shuffle_buffer = int(texts.cardinality())
        batches = text_pipeline.batch_texts(
            texts, batched, batch_size, shuffle_buffer=shuffle_buffer, seed=self.seed
        )
        if not masked:
            return text_pipeline.token_id_batches(
                batches, self.tokenizer, self.sequence_length
            )
        return text_pipeline.masked_lm_batches(
            batches,
            self.tokenizer,
            self.sequence_length,
            selection_rate=self.mask_selection_rate,
            mask_token_rate=self.mask_token_rate,
            random_token_rate=self.random_token_rate,
        )

    def save_preset_assets(self, directory):
        # keras-nlp's tokenizer writes its vocabulary file, as in `.keras`.
        self.encoder.tokenizer.save_assets(directory)

    def load_preset_assets(self, directory):
        self.encoder.tokenizer.load_assets(directory)

    def standardize_batch(self, data):
        return text_batch.standardize_text_batch(data)

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

    def ssl_step_logs(self, loss, data):
        # The base weighs the loss by the batch's image count; here by texts.
        self._loss_tracker.update_state(
            loss, sample_weight=text_batch.text_batch_size(data)
        )
        return self.get_metrics_result()

    # --- Keras API ---------------------------------------------------------

    def call(self, inputs, training=False):
        token_ids = self.standardize_batch(inputs)[text_batch.TOKEN_IDS_KEY]
        return self.encoder(token_ids, training=training)

    def fit(
        self, x=None, y=None, batch_size=None, shuffle=True, validation_data=None,
        **kwargs,
    ):
        _check_training_input(x, y)
        _check_training_input(validation_data, None)
        x = self.prepare_inputs(x, batch_size=batch_size, shuffle=shuffle)
        if kwargs.get("steps_per_epoch") is None:
            # One iterator for all epochs: new masks every epoch.
            x, kwargs["steps_per_epoch"] = text_pipeline.repeat_for_epochs(x)
        validation_data = self.prepare_inputs(validation_data, batch_size=batch_size)
        return super().fit(x, validation_data=validation_data, shuffle=False, **kwargs)

    def evaluate(self, x=None, y=None, batch_size=None, **kwargs):
        if not kwargs.get("_use_cached_eval_dataset"):
            _check_training_input(x, y)
            x = self.prepare_inputs(x, batch_size=batch_size)
        return super().evaluate(x, **kwargs)

    def predict(self, x, batch_size=None, **kwargs):
        """The encoder's vectors `(N, hidden_dim)` of texts (or token ids)."""
        x = self.prepare_inputs(x, batch_size=batch_size, masked=False)
        # The base's predict checks inputs again; token ids pass through.
        return super().predict(x, **kwargs)

    # --- Serialization -----------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config.update(
            mask_selection_rate=self.mask_selection_rate,
            mask_token_rate=self.mask_token_rate,
            random_token_rate=self.random_token_rate,
        )
        return config


def _is_token_ids(x):
    """Integer token ids: an int array `(N, L)` or a dataset of them."""
    if is_tf_dataset(x):
        spec = x.element_spec
        return getattr(spec, "dtype", None) is not None and spec.dtype.is_integer
    dtype = getattr(x, "dtype", None)
    if dtype is None or len(getattr(x, "shape", ())) != 2:
        return False
    return "int" in keras.backend.standardize_dtype(dtype)


def _check_training_input(x, y):
    if y is not None:
        raise ValueError(
            "MaskedLM learns from text alone; its targets are the masked "
            "tokens. Do not pass y."
        )
    if x is not None and not text_checks.is_text_input(x) and _is_token_ids(x):
        raise ValueError(
            "MaskedLM.fit/evaluate take raw text (the model tokenizes and "
            "masks it); got integer token ids. Pass the strings, or the "
            "batches of model.prepare_inputs(texts)."
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
