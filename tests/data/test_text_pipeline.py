import numpy as np
import pytest

from keras_ssl.data import text_pipeline
from keras_ssl.data.text_vocabulary import SPECIAL_TOKENS

tf = pytest.importorskip("tensorflow")
keras_nlp = pytest.importorskip("keras_nlp")

WORDS = [f"w{index}" for index in range(1000)]
VOCABULARY = list(SPECIAL_TOKENS) + WORDS  # One token per word.
PAD, CLS, SEP, UNK, MASK = range(5)


def make_tokenizer():
    return keras_nlp.tokenizers.WordPieceTokenizer(
        vocabulary=VOCABULARY, lowercase=True, oov_token="[UNK]"
    )


def random_texts(count, low, high, seed=0):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(low, high, count)
    return [" ".join(rng.choice(WORDS, length)) for length in lengths]


def one_batch(dataset):
    return {key: value.numpy() for key, value in next(iter(dataset)).items()}


def test_pack_adds_cls_sep_and_pads_with_zero():
    texts = ["w1 w2 w3", "W7", " ".join(WORDS[:20])]
    pack = text_pipeline.pack_function(make_tokenizer(), sequence_length=8)
    ids = pack(tf.constant(texts)).numpy()
    assert ids.dtype == np.int32 and ids.shape == (3, 8)
    w = lambda i: 5 + i  # noqa: E731  (id of word w{i})
    np.testing.assert_array_equal(ids[0], [CLS, w(1), w(2), w(3), SEP, PAD, PAD, PAD])
    np.testing.assert_array_equal(ids[1], [CLS, w(7), SEP, PAD, PAD, PAD, PAD, PAD])
    # Too long: truncated, [SEP] kept last.
    np.testing.assert_array_equal(ids[2], [CLS] + [w(i) for i in range(6)] + [SEP])


def test_mask_selection_length_matches_tf_text_rule():
    # ceil(0.15 * maskable) with maskable = L - 2.
    assert text_pipeline.mask_selection_length(128, 0.15) == 19
    assert text_pipeline.mask_selection_length(64, 0.15) == 10
    assert text_pipeline.mask_selection_length(3, 0.15) == 1


def test_masking_statistics_follow_bert():
    """15% of maskable tokens selected; 80% [MASK], 10% random, 10% kept;
    padding and special tokens never selected (4,096 texts, ~350k tokens)."""
    tf.random.set_seed(0)
    sequence_length = 128
    # Short texts are padded, long ones truncated: both must behave.
    texts = random_texts(4096, 20, 160)
    batches = tf.data.Dataset.from_tensor_slices(texts).batch(4096)
    batch = one_batch(
        text_pipeline.masked_lm_batches(batches, make_tokenizer(), sequence_length)
    )
    ids, masked = batch["token_ids"], batch["masked_token_ids"]
    positions, targets = batch["mask_positions"], batch["mask_ids"]
    weights = batch["mask_weights"]
    selected = weights == 1
    assert set(np.unique(weights)) <= {0.0, 1.0}
    assert positions.shape == (4096, 19)

    maskable = ~np.isin(ids, [PAD, CLS, SEP, UNK, MASK])
    rows = np.nonzero(selected)[0]
    cols = positions[selected]
    # Padding and special tokens are never selected; targets are the
    # original ids.
    assert maskable[rows, cols].all()
    np.testing.assert_array_equal(targets[selected], ids[rows, cols])
    # No position is selected twice in a row.
    flat = rows * sequence_length + cols
    assert len(np.unique(flat)) == len(flat)

    # Selection: ceil(15%) of each row's maskable tokens, 15% overall.
    per_row = selected.sum(axis=1)
    expected = np.ceil(maskable.sum(axis=1).astype("float32") * np.float32(0.15))
    np.testing.assert_array_equal(per_row, expected)
    rate = selected.sum() / maskable.sum()
    assert abs(rate - 0.15) < 0.01, rate

    # Replacement: 80% [MASK], 10% random token, 10% unchanged. A random
    # draw equals [MASK] or the original with probability 1/V each (~0.1%).
    new = masked[rows, cols]
    total = len(new)  # ~45,000 selections: 1 sd of the 80% share is 0.2%.
    to_mask = np.mean(new == MASK)
    kept = np.mean(new == ids[rows, cols])
    random = 1.0 - to_mask - kept
    assert abs(to_mask - 0.8) < 0.01, (to_mask, total)
    assert abs(kept - 0.1) < 0.01, kept
    assert abs(random - 0.1) < 0.01, random
    assert ((new >= 0) & (new < len(VOCABULARY))).all()

    # Positions not selected are untouched, padding included.
    untouched = np.ones_like(ids, bool)
    untouched[rows, cols] = False
    np.testing.assert_array_equal(masked[untouched], ids[untouched])


def test_masks_change_every_epoch_and_cache_freezes_them():
    tf.random.set_seed(0)  # The hard case: a global seed replays draws.
    texts = random_texts(64, 30, 60)
    batches = tf.data.Dataset.from_tensor_slices(texts).batch(32)
    dataset = text_pipeline.masked_lm_batches(batches, make_tokenizer(), 64)
    repeated, steps = text_pipeline.repeat_for_epochs(dataset)
    assert steps == 2
    positions = [b["mask_positions"] for b in repeated.take(2 * steps).as_numpy_iterator()]
    first, second = np.stack(positions[:steps]), np.stack(positions[steps:])
    assert (first != second).any()  # Epoch 2 masks other tokens.
    cached = dataset.cache()
    list(cached)  # Fills the cache.
    frozen = [b["masked_token_ids"] for b in cached.as_numpy_iterator()]
    again = [b["masked_token_ids"] for b in cached.as_numpy_iterator()]
    np.testing.assert_array_equal(np.stack(frozen), np.stack(again))
    unknown_size = dataset.filter(lambda batch: True)
    assert text_pipeline.repeat_for_epochs(unknown_size) == (unknown_size, None)


def test_batch_texts():
    strings = tf.data.Dataset.from_tensor_slices(["a"] * 10)
    sizes = [len(b) for b in text_pipeline.batch_texts(strings, False, 4)]
    assert sizes == [4, 4, 2]
    sizes = [len(b) for b in text_pipeline.batch_texts(strings, False)]
    assert sizes == [10]  # Default 32.
    with pytest.raises(ValueError, match="already batched"):
        text_pipeline.batch_texts(strings.batch(2), True, 4)
    with pytest.raises(ValueError, match="positive int"):
        text_pipeline.batch_texts(strings, False, 0)
