"""The `tf.data` pipeline of sentence-pair batches (NSP / SOP with masks).

    documents -> consecutive sentence pairs (once, numpy)
              -> each epoch: coin flips, NSP's random seconds, the order
                 (numpy, from the seed and the epoch number)
              -> WordPieceTokenizer -> MultiSegmentPacker
                 ([CLS] a [SEP] b [SEP] [PAD]...)
              -> MaskedLMMaskGenerator (BERT's 15% selection, 80/10/10)

Pairs are labelled in numpy by `text_sentence_pairs.label_sentence_pairs`,
with the generator `numpy.random.default_rng([seed, epoch])`: the same
seed gives the same examples in the same order, and every pass over the
dataset (every epoch of `fit`, through `repeat_for_epochs`) draws new coins.
Tokenizing, packing and masking stay in `tf.data` as for single texts.
"""

import itertools

import numpy as np

from keras_ssl.data import text_checks
from keras_ssl.data import text_pipeline
from keras_ssl.data.text_sentence_pairs import check_pairs
from keras_ssl.data.text_sentence_pairs import consecutive_sentence_pairs
from keras_ssl.data.text_sentence_pairs import label_sentence_pairs
from keras_ssl.data.text_vocabulary import CLS
from keras_ssl.data.text_vocabulary import MASK
from keras_ssl.data.text_vocabulary import PAD
from keras_ssl.data.text_vocabulary import SEP

#: The batch key of the pair labels: 1 as in the text, 0 replaced/swapped.
SENTENCE_LABELS_KEY = "sentence_labels"


def document_list(x):
    """The documents of a text input (any form `fit` takes), as a list.

    Pairs are built from the whole corpus, so a dataset is read through
    once (a batched one is unbatched).
    """
    if isinstance(x, (list, tuple, np.ndarray)):
        return text_checks.check_texts(x)
    texts, batched = text_checks.string_dataset(x)
    if batched:
        texts = texts.unbatch()
    return [text.decode("utf-8") for text in texts.as_numpy_iterator()]


def labelled_pair_dataset(documents, objective, shuffle=False, seed=None):
    """A `tf.data.Dataset` of `(first, second, label)` string pairs.

    Each pass over it labels the consecutive pairs of `documents` anew
    (`label_sentence_pairs`, generator `default_rng([seed, pass])`) and,
    with `shuffle`, permutes them.

    Args:
        documents: list of str.
        objective: `"nsp"` or `"sop"`.
        shuffle: bool. A new order every pass.
        seed: int or None (None: fresh entropy each pass).
    """
    import tensorflow as tf

    pairs = consecutive_sentence_pairs(documents)
    check_pairs(pairs, objective)  # Now, not when the first batch is read.
    count = len(pairs["first"])
    passes = itertools.count()

    def one_pass():
        index = next(passes)
        rng = np.random.default_rng(None if seed is None else [seed, index])
        examples = label_sentence_pairs(pairs, objective, rng)
        order = rng.permutation(count) if shuffle else np.arange(count)
        yield (
            examples["first"][order].astype(str),
            examples["second"][order].astype(str),
            examples["label"][order],
        )

    string = tf.TensorSpec([None], tf.string)
    dataset = tf.data.Dataset.from_generator(
        one_pass,
        output_signature=(string, string, tf.TensorSpec([None], tf.int32)),
    )
    return dataset.unbatch().apply(tf.data.experimental.assert_cardinality(count))


def sentence_pair_batches(
    documents,
    tokenizer,
    sequence_length,
    objective,
    batch_size=None,
    shuffle=False,
    seed=None,
    selection_rate=0.15,
    mask_token_rate=0.8,
    random_token_rate=0.1,
):
    """Masked-LM batches of sentence pairs, with their pair labels.

    Args:
        documents: list of str, each a document of several sentences.
        tokenizer: a `keras_nlp.tokenizers.WordPieceTokenizer` whose
            vocabulary holds keras_ssl's special tokens.
        sequence_length: int. Packed length L; the longer sentence of a
            pair is cut first when the pair does not fit (round robin).
        objective: `"nsp"` or `"sop"`.
        batch_size: pairs per batch (32 if None).
        shuffle: bool. Reshuffle the pairs every epoch.
        seed: int or None. Seed of the coins, NSP's draws and the order.
        selection_rate, mask_token_rate, random_token_rate: BERT's masking,
            as in `text_pipeline.masked_lm_batches`.

    Returns:
        `tf.data.Dataset` of dicts: `text_pipeline.MASKED_LM_KEYS` and
        `sentence_labels` `(N,)` int32.
    """
    import keras_nlp
    import tensorflow as tf

    batch_size = text_pipeline.DEFAULT_BATCH_SIZE if batch_size is None else batch_size
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or (
        batch_size < 1
    ):
        raise ValueError(f"batch_size must be a positive int; got {batch_size!r}.")
    ids = text_pipeline.special_token_ids(tokenizer)
    packer = keras_nlp.layers.MultiSegmentPacker(
        sequence_length=sequence_length,
        start_value=ids[CLS],
        end_value=ids[SEP],
        pad_value=ids[PAD],
    )
    masker = text_pipeline.mask_generator(
        tokenizer, sequence_length, selection_rate, mask_token_rate, random_token_rate
    )
    special = tf.constant(sorted(ids.values()), "int32")

    def make_batch(first, second, labels):
        token_ids, _ = packer((tokenizer(first), tokenizer(second)))
        token_ids = tf.cast(token_ids, "int32")
        masked = masker(token_ids)
        masked_ids = tf.cast(masked["token_ids"], "int32")
        # A random replacement never becomes a special token: a stray [SEP]
        # would move the segment boundary the encoder reads off the ids.
        is_special = tf.reduce_any(masked_ids[..., None] == special, axis=-1)
        replaced = is_special & (masked_ids != token_ids)
        masked_ids = tf.where(replaced, ids[MASK], masked_ids)
        return {
            "token_ids": token_ids,
            "masked_token_ids": masked_ids,
            "mask_positions": tf.cast(masked["mask_positions"], "int32"),
            "mask_ids": tf.cast(masked["mask_ids"], "int32"),
            "mask_weights": tf.cast(masked["mask_weights"], "float32"),
            SENTENCE_LABELS_KEY: labels,
        }

    pairs = labelled_pair_dataset(documents, objective, shuffle=shuffle, seed=seed)
    return pairs.batch(batch_size).map(
        make_batch, num_parallel_calls=tf.data.AUTOTUNE
    ).prefetch(tf.data.AUTOTUNE)
