"""The `tf.data` text pipeline: tokenize, pack, mask and batch.

Everything here runs as TensorFlow ops inside `tf.data` (keras-nlp's
tokenizer, packer and mask generator take their TensorFlow path there), so
the train step on any backend only ever sees integer token ids:

    strings -> WordPieceTokenizer -> StartEndPacker ([CLS] ... [SEP] [PAD]...)
            -> MaskedLMMaskGenerator (BERT's 15% selection, 80/10/10)

Masks are drawn as batches are produced. With a global TensorFlow seed set
(`keras.utils.set_random_seed`), every new iterator over a dataset replays
the same draws, so `repeat_for_epochs` makes `fit` keep one iterator over a
repeated dataset: new masks every epoch (RoBERTa's dynamic masking).
`.cache()` the batches to freeze their masks (e.g. for evaluation).
"""

import math

import numpy as np

from keras_ssl.data.text_vocabulary import CLS
from keras_ssl.data.text_vocabulary import MASK
from keras_ssl.data.text_vocabulary import PAD
from keras_ssl.data.text_vocabulary import SEP
from keras_ssl.data.text_vocabulary import SPECIAL_TOKENS
from keras_ssl.data.tf_datasets import is_tf_dataset

#: Keys of a masked-LM batch: the packed ids, the ids with masks applied,
#: and for each of up to P selected positions its index, original id and
#: weight (1 for a real selection, 0 for padding of the P slots).
MASKED_LM_KEYS = (
    "token_ids",
    "masked_token_ids",
    "mask_positions",
    "mask_ids",
    "mask_weights",
)

#: Texts per batch when the caller gives no batch size (Keras's default).
DEFAULT_BATCH_SIZE = 32


def special_token_ids(tokenizer):
    """`{token: id}` for the special tokens of `tokenizer`'s vocabulary."""
    return {token: tokenizer.token_to_id(token) for token in SPECIAL_TOKENS}


def mask_selection_length(sequence_length, selection_rate):
    """The most positions a packed sequence can have selected.

    tf-text selects `ceil(n * rate)` of a row's `n` maskable tokens (float32
    arithmetic); at most `sequence_length - 2` tokens are maskable ([CLS]
    and [SEP] never are).
    """
    maskable = max(sequence_length - 2, 1)
    selected = math.ceil(np.float32(maskable) * np.float32(selection_rate))
    return int(min(max(selected, 1), maskable))


def pack_function(tokenizer, sequence_length):
    """A function mapping a batch of strings `(N,)` to token ids `(N, L)`.

    Each row is `[CLS] pieces... [SEP]` then `[PAD]` (id 0) up to
    `sequence_length`; longer texts are truncated before `[SEP]`.
    """
    import keras_nlp

    ids = special_token_ids(tokenizer)
    packer = keras_nlp.layers.StartEndPacker(
        sequence_length=sequence_length,
        start_value=ids[CLS],
        end_value=ids[SEP],
        pad_value=ids[PAD],
    )

    def tokenize_and_pack(texts):
        import tensorflow as tf

        return tf.cast(packer(tokenizer(texts)), "int32")

    return tokenize_and_pack


def mask_generator(
    tokenizer, sequence_length, selection_rate, mask_token_rate, random_token_rate
):
    """keras-nlp's `MaskedLMMaskGenerator` for packed sequences.

    No special token (padding, [CLS], [SEP], [UNK], [MASK]) is ever
    selected. Selected tokens become [MASK] with probability
    `mask_token_rate`, a random id with `random_token_rate`, else stay.
    """
    import keras_nlp

    ids = special_token_ids(tokenizer)
    return keras_nlp.layers.MaskedLMMaskGenerator(
        vocabulary_size=tokenizer.vocabulary_size(),
        mask_selection_rate=selection_rate,
        mask_token_id=ids[MASK],
        mask_selection_length=mask_selection_length(sequence_length, selection_rate),
        unselectable_token_ids=sorted(ids.values()),
        mask_token_rate=mask_token_rate,
        random_token_rate=random_token_rate,
    )


def batch_texts(dataset, batched, batch_size=None, shuffle_buffer=0, seed=None):
    """Batch (and shuffle) a dataset of strings; keep a batched one as is.

    Args:
        dataset: `tf.data.Dataset` of strings, as `text_checks.string_dataset`
            returns it.
        batched: whether `dataset` already yields batches.
        batch_size: texts per batch (32 if None); must be None for a batched
            dataset (as in Keras, it keeps its own batches).
        shuffle_buffer: shuffle buffer size (reshuffled every epoch); 0 to
            keep the order. Ignored for batched datasets.
        seed: shuffle seed.

    Returns:
        `tf.data.Dataset` of string batches `(N,)`.
    """
    if batched:
        if batch_size is not None:
            raise ValueError(
                f"batch_size={batch_size} was given for a dataset that is "
                f"already batched. Drop batch_size (the dataset's batches are "
                f"used), or pass the dataset unbatched."
            )
        return dataset
    if batch_size is None:
        batch_size = DEFAULT_BATCH_SIZE
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or (
        batch_size < 1
    ):
        raise ValueError(f"batch_size must be a positive int; got {batch_size!r}.")
    if shuffle_buffer:
        dataset = dataset.shuffle(
            shuffle_buffer, seed=seed, reshuffle_each_iteration=True
        )
    return dataset.batch(batch_size)


def token_id_batches(string_batches, tokenizer, sequence_length):
    """Map string batches to packed token-id batches `(N, L)` int32."""
    import tensorflow as tf

    pack = pack_function(tokenizer, sequence_length)
    return string_batches.map(pack, num_parallel_calls=tf.data.AUTOTUNE).prefetch(
        tf.data.AUTOTUNE
    )


def masked_lm_batches(
    string_batches,
    tokenizer,
    sequence_length,
    selection_rate=0.15,
    mask_token_rate=0.8,
    random_token_rate=0.1,
):
    """Map string batches to masked-LM batches (dicts of `MASKED_LM_KEYS`).

    Args:
        string_batches: `tf.data.Dataset` of string batches `(N,)`.
        tokenizer: a `keras_nlp.tokenizers.WordPieceTokenizer` whose
            vocabulary holds the special tokens.
        sequence_length: int. Packed length L.
        selection_rate: float. Share of maskable tokens selected.
        mask_token_rate: float. Share of selected tokens set to [MASK].
        random_token_rate: float. Share of selected tokens set to a random id.

    Returns:
        `tf.data.Dataset` of dicts: `token_ids`, `masked_token_ids` (N, L)
        int32; `mask_positions`, `mask_ids` (N, P) int32; `mask_weights`
        (N, P) float32, with `P = mask_selection_length(L, selection_rate)`.
    """
    import tensorflow as tf

    pack = pack_function(tokenizer, sequence_length)
    masker = mask_generator(
        tokenizer, sequence_length, selection_rate, mask_token_rate, random_token_rate
    )

    def make_batch(texts):
        token_ids = pack(texts)
        masked = masker(token_ids)
        return {
            "token_ids": token_ids,
            "masked_token_ids": tf.cast(masked["token_ids"], "int32"),
            "mask_positions": tf.cast(masked["mask_positions"], "int32"),
            "mask_ids": tf.cast(masked["mask_ids"], "int32"),
            "mask_weights": tf.cast(masked["mask_weights"], "float32"),
        }

    return string_batches.map(
        make_batch, num_parallel_calls=tf.data.AUTOTUNE
    ).prefetch(tf.data.AUTOTUNE)


def repeat_for_epochs(dataset):
    """`(dataset.repeat(), batches per epoch)` for a dataset of known size.

    Iterated for `steps_per_epoch` batches per epoch, the repeated dataset
    is read through one iterator, so its random masks (and shuffles) keep
    changing from epoch to epoch even under a global TensorFlow seed. A
    dataset of unknown or infinite size is returned as is, with None.
    """
    if not is_tf_dataset(dataset):
        return dataset, None
    batches = int(dataset.cardinality())
    if batches <= 0:
        return dataset, None
    return dataset.repeat(), batches


def is_masked_lm_batches(x):
    """True for data already in masked-LM form (dicts of `MASKED_LM_KEYS`)."""
    spec = x.element_spec if is_tf_dataset(x) else x
    return isinstance(spec, dict) and all(key in spec for key in MASKED_LM_KEYS)
