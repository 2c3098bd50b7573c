"""Text inputs for masked language modelling: masks drawn in `tf.data`."""

from keras_ssl.data import text_pair_pipeline
from keras_ssl.data import text_pipeline
from keras_ssl.data.text_sentence_pairs import check_sentence_objective
from keras_ssl.inputs.text_inputs import TextInputs


class MaskedTextInputs(TextInputs):
    """Text inputs whose training batches carry BERT's masks.

    As `TextInputs`, and for `fit`/`evaluate` each packed sequence gets
    keras-nlp's `MaskedLMMaskGenerator` masks in `tf.data`: a share
    `selection_rate` of its tokens (never padding or special tokens) is
    selected; a selected token becomes [MASK] with `mask_token_rate`, a
    random token with `random_token_rate`, and otherwise stays. Masks are
    drawn anew every epoch. `predict` gets plain token ids.

    With a `sentence_objective` (`"nsp"` or `"sop"`), `fit`/`evaluate`
    take documents instead: each two consecutive sentences of a document
    make a pair, labelled and packed `[CLS] a [SEP] b [SEP]` by
    `keras_ssl.data.text_pair_pipeline` (new coins every epoch, from `seed`
    and the epoch), then masked as above; `batch_size` counts pairs, and
    the batches carry `sentence_labels` (1: as in the text).

    Reference: https://arxiv.org/abs/1810.04805 (Section 3.1);
    sentence order: https://arxiv.org/abs/1909.11942 (Section 4.1)

    Args:
        encoder: text encoder with a `tokenizer` and `sequence_length`.
        selection_rate: float. Share of tokens selected (BERT: 0.15).
        mask_token_rate: float. Share of selections set to [MASK] (0.8).
        random_token_rate: float. Share set to a random token (0.1).
        seed: int or None. Seed of the text shuffling and of the pairs.
        sentence_objective: None, `"nsp"` or `"sop"`.

    Example:
    ```python
    inputs = keras_ssl.inputs.MaskedTextInputs(encoder, selection_rate=0.15)
    batches, _, _ = inputs.prepare(texts, purpose="fit", batch_size=32)
    ```
    """

    def __init__(
        self,
        encoder,
        selection_rate=0.15,
        mask_token_rate=0.8,
        random_token_rate=0.1,
        seed=None,
        sentence_objective=None,
    ):
        super().__init__(encoder, seed=seed)
        check_sentence_objective(sentence_objective)
        self.selection_rate = selection_rate
        self.mask_token_rate = mask_token_rate
        self.random_token_rate = random_token_rate
        self.sentence_objective = sentence_objective

    def batches(self, x, batch_size=None, shuffle=False, purpose="fit"):
        if (
            self.sentence_objective is None or purpose == "predict" or x is None
            or self.is_prepared(x)
        ):
            return super().batches(x, batch_size, shuffle, purpose)
        return text_pair_pipeline.sentence_pair_batches(
            text_pair_pipeline.document_list(x),
            self.tokenizer,
            self.sequence_length,
            self.sentence_objective,
            batch_size=batch_size,
            shuffle=shuffle,
            seed=self.seed,
            selection_rate=self.selection_rate,
            mask_token_rate=self.mask_token_rate,
            random_token_rate=self.random_token_rate,
        )

    def tokenized(self, string_batches, purpose):
        if purpose == "predict":
            return super().tokenized(string_batches, purpose)
        return text_pipeline.masked_lm_batches(
            string_batches,
            self.tokenizer,
            self.sequence_length,
            selection_rate=self.selection_rate,
            mask_token_rate=self.mask_token_rate,
            random_token_rate=self.random_token_rate,
        )

    def is_prepared(self, x):
        return text_pipeline.is_masked_lm_batches(x)
