"""SimCSE: sentence embeddings contrasted across two dropout masks."""

import keras
from keras import ops

from keras_ssl.data import text_checks
from keras_ssl.data.text_vocabulary import learn_vocabulary
from keras_ssl.encoders.text_transformer import TextTransformer
from keras_ssl.inputs import TextInputs
from keras_ssl.losses.simcse_loss import simcse_logits
from keras_ssl.methods.joint_embedding import JointEmbeddingModel
from keras_ssl.methods.registry import register_method

__all__ = ["SimCSE"]


@register_method("simcse")
class SimCSE(JointEmbeddingModel):
    """Unsupervised SimCSE (Gao, Yao & Chen 2021): dropout is the augmentation.

    Each text of a batch goes through the encoder twice in one pass (the
    batch concatenated with itself), so its two encodings differ only by
    the encoder's dropout masks; the InfoNCE loss (`keras_ssl.losses.
    simcse_loss`, temperature 0.05) pulls each pair together against the
    other texts' second encodings. The views are the identity (the
    `"identity"` view recipe); nothing text-specific lives in the
    joint-embedding base: the text comes in through `keras_ssl.inputs.
    TextInputs` (strings tokenized in `tf.data`), so any encoder with a
    `tokenizer`, a `sequence_length` and a `hidden_dim` works (a
    `keras_ssl.encoders.TextTransformer`, or a keras-hub backbone wrapped in
    `keras_ssl.encoders.HubTextEncoder`). With `dropout=0` in the encoder
    the two encodings are identical and the loss has nothing to learn.

    As in the paper's unsupervised model, an MLP (one `tanh` layer as wide
    as the features, BERT's pooler) sits on the encoder's output during
    training only (`mlp=True`); `model.encoder` gives the features.
    `contrastive_accuracy` (the share of texts whose nearest second encoding
    is their own) is logged with the loss.

    Reference: https://arxiv.org/abs/2104.08821

    Args:
        encoder: text encoder (strings -> `(N, D)`) with a `tokenizer`, a
            `sequence_length`, a `hidden_dim` and dropout.
        temperature: float > 0. InfoNCE's temperature (0.05 in the paper).
        mlp: bool. The training-only `tanh` MLP on the features.
        augmentation: None (the identity) or a layer/callable on token ids
            (or a pair of them).
        seed: int or None. Seed of the model's random ops and shuffling.
        **kwargs: `keras.Model` arguments (`name`, ...).

    Example:
    ```python
    texts, _, _ = keras_ssl.datasets.fortunes()
    mlm = keras_ssl.MaskedLM.from_texts(texts, vocabulary_size=4000)
    model = keras_ssl.SimCSE(encoder=mlm.encoder, temperature=0.05)
    model.compile()
    model.fit(texts, epochs=1, batch_size=64)
    vectors = model.encoder.predict(["some sentence", "another one"])
    ```
    """

    inputs_class = TextInputs
    view_recipe = "identity"

    def __init__(
        self, encoder, temperature=0.05, mlp=True, augmentation=None, seed=None,
        **kwargs,
    ):
        super().__init__(
            encoder=encoder, augmentation=augmentation, seed=seed, **kwargs
        )
        self.input_format.seed = seed
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0; got {temperature} (the paper uses 0.05).")
        # === Layers ===
        self.mlp_head = None
        if mlp:
            self.mlp_head = keras.layers.Dense(
                self.feature_dim, activation="tanh", name="mlp_head"
            )
            self.mlp_head.build((None, self.feature_dim))
        self.contrastive_accuracy = keras.metrics.SparseCategoricalAccuracy(
            name="contrastive_accuracy"
        )
        # === Config ===
        self.temperature = float(temperature)
        self.mlp = bool(mlp)

    @classmethod
    def from_texts(
        cls, texts, vocabulary_size=5000, sequence_length=64, lowercase=True,
        strip_accents=True, **kwargs,
    ):
        """Learn a WordPiece vocabulary from `texts`, then build the model on
        a new `TextTransformer` (as `MaskedLM.from_texts`; used by
        `keras-ssl pretrain simcse`). Starting from a pretrained encoder
        (`keras_ssl.load_encoder("mlm_transformer_fortunes")`), as the paper
        starts from BERT, works better.

        Args:
            texts: list of strings, a text file path or a `tf.data.Dataset`.
            vocabulary_size: int. The most WordPiece tokens to learn.
            sequence_length: int. Tokens per text, [CLS] and [SEP] included.
            lowercase: bool. strip_accents: bool. As for the tokenizer.
            **kwargs: `SimCSE` arguments (`temperature`, `mlp`, `seed`,
                `name`) and `TextTransformer` size arguments.
        """
        method_args = {
            k: kwargs.pop(k) for k in ("temperature", "mlp", "seed", "name") if k in kwargs
        }
        dataset, _ = text_checks.string_dataset(texts)
        vocabulary = learn_vocabulary(
            dataset, vocabulary_size, lowercase=lowercase, strip_accents=strip_accents
        )
        encoder = TextTransformer(
            vocabulary=vocabulary, sequence_length=sequence_length,
            lowercase=lowercase, strip_accents=strip_accents, **kwargs,
        )
        return cls(encoder=encoder, **method_args)

    def default_optimizer(self):
        # The paper fine-tunes BERT at 3e-5; a small Transformer trained
        # here from an MLM start takes 1e-4 (see the fortunes preset card).
        return keras.optimizers.Adam(learning_rate=1e-4)

    @property
    def tokenizer(self):
        """The encoder's tokenizer."""
        return self.encoder.tokenizer

    def compute_ssl_loss(self, batch, training):
        token_ids = self.input_format.encoder_inputs(batch)
        heads = (self.mlp_head,) if self.mlp_head is not None else ()
        z1, z2 = self.encode_views(
            self.make_views(token_ids), heads=heads, training=training
        )
        logits, labels = simcse_logits(z1, z2, temperature=self.temperature)
        self.contrastive_accuracy.update_state(labels, logits)
        return ops.mean(
            ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)
        )

    # --- Presets -----------------------------------------------------------

    def save_preset_assets(self, directory):
        self.encoder.tokenizer.save_assets(directory)

    def load_preset_assets(self, directory):
        self.encoder.tokenizer.load_assets(directory)

    def get_config(self):
        config = super().get_config()
        config.update(temperature=self.temperature, mlp=self.mlp)
        return config
