"""Sentence pairs for NSP / SOP: splitting, pairing, labelling, packing."""

import numpy as np
import pytest

from keras_ssl.data import text_sentence_pairs as pairs_module
from keras_ssl.data.text_sentence_pairs import consecutive_sentence_pairs
from keras_ssl.data.text_sentence_pairs import sentence_pair_examples
from keras_ssl.data.text_sentence_pairs import split_sentences


def numbered_documents(count=2000, seed=0):
    """Documents of 1-4 sentences, each sentence naming its document and place."""
    sizes = np.random.default_rng(seed).integers(1, 5, count)
    return [
        " ".join(f"doc {d} line {i}." for i in range(size))
        for d, size in enumerate(sizes)
    ]


def test_split_sentences():
    text = (
        'H. L. Mencken said "Go!" Then he left?  Mr. Smith stayed, e.g. here.'
        "\n\nA poem line\nwith no stop\n\n\tLast one"
    )
    assert split_sentences(text) == [
        'H. L. Mencken said "Go!"', "Then he left?",
        "Mr. Smith stayed, e.g. here.", "A poem line with no stop", "Last one",
    ]
    assert split_sentences("One sentence only") == ["One sentence only"]


def test_pairs_are_consecutive_sentences_of_one_document():
    documents = ["A one. A two. A three.", "Single.", ["B one", "B two"]]
    pairs = consecutive_sentence_pairs(documents)
    assert list(pairs["first"]) == ["A one.", "A two.", "B one"]
    assert list(pairs["second"]) == ["A two.", "A three.", "B two"]
    assert list(pairs["document"]) == [0, 0, 2]
    assert list(pairs["sentence_document"]) == [0, 0, 0, 1, 2, 2]


def _parse(sentences):
    """(document, line) of each 'doc D line I.' sentence."""
    parts = np.char.split(sentences.astype(str))
    return np.array([(int(p[1]), int(p[3].rstrip("."))) for p in parts])


def test_nsp_replaces_half_the_seconds_with_sentences_of_other_documents():
    documents = numbered_documents()
    examples = sentence_pair_examples(documents, "nsp", seed=1)
    first, second = _parse(examples["first"]), _parse(examples["second"])
    kept = examples["label"] == 1
    assert len(kept) > 2000 and abs(kept.mean() - 0.5) < 0.03
    # Kept pairs: the next sentence of the same document.
    assert (first[kept, 0] == second[kept, 0]).all()
    assert (second[kept, 1] == first[kept, 1] + 1).all()
    # Replaced seconds: from another document, any of its sentences.
    assert (second[~kept, 0] != first[~kept, 0]).all()
    assert (examples["second_document"] == second[:, 0]).all()
    assert len(np.unique(second[~kept, 0])) > 500
    # First sentences never change; the same seed gives the same examples.
    original = consecutive_sentence_pairs(documents)
    assert (examples["first"] == original["first"]).all()
    again = sentence_pair_examples(documents, "nsp", seed=1)
    assert (again["second"] == examples["second"]).all()
    other = sentence_pair_examples(documents, "nsp", seed=2)
    assert (other["label"] != examples["label"]).any()


def test_sop_swaps_half_the_pairs():
    documents = numbered_documents()
    examples = sentence_pair_examples(documents, "sop", seed=0)
    first, second = _parse(examples["first"]), _parse(examples["second"])
    kept = examples["label"] == 1
    assert abs(kept.mean() - 0.5) < 0.03
    assert (first[:, 0] == second[:, 0]).all()  # One document per pair.
    assert (second[kept, 1] == first[kept, 1] + 1).all()
    assert (first[~kept, 1] == second[~kept, 1] + 1).all()


def test_bad_pair_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="has two sentences"):
        consecutive_sentence_pairs(["One.", "Two."])
    with pytest.raises(ValueError, match="only one document"):
        sentence_pair_examples(["One. Two. Three."], "nsp", seed=0)
    with pytest.raises(ValueError, match="sentence_objective must be"):
        sentence_pair_examples(["One. Two."], "both")
    with pytest.raises(ValueError, match="single string"):
        consecutive_sentence_pairs("One. Two.")
    assert pairs_module.SENTENCE_OBJECTIVES == ("nsp", "sop")


def test_pipeline_packs_pairs_with_labels_and_new_coins_each_pass():
    tf = pytest.importorskip("tensorflow")
    pytest.importorskip("keras_nlp")
    import keras_ssl
    from keras_ssl.data.text_pair_pipeline import labelled_pair_dataset
    from keras_ssl.data.text_pair_pipeline import sentence_pair_batches
    from keras_ssl.data.text_vocabulary import SPECIAL_TOKENS

    documents = numbered_documents(count=40)
    pairs = labelled_pair_dataset(documents, "sop", shuffle=True, seed=3)
    passes = [[tuple(e) for e in pairs.batch(1000).get_single_element()]
              for _ in range(2)]
    assert passes[0] != passes[1]  # New coins and order every pass...
    first_pass = labelled_pair_dataset(documents, "sop", shuffle=True, seed=3)
    assert [tuple(e) for e in first_pass.batch(1000).get_single_element()] == (
        passes[0]  # ... and the same ones from the same seed.
    )
    vocabulary = list(SPECIAL_TOKENS) + ["doc", "line", "."] + [
        str(n) for n in range(40)
    ]
    encoder = keras_ssl.encoders.TextTransformer(
        vocabulary=vocabulary, num_layers=1, num_heads=1,
        hidden_dim=4, intermediate_dim=4, sequence_length=16,
    )
    batches = sentence_pair_batches(
        documents, encoder.tokenizer, 16, "sop", batch_size=8, seed=3,
        random_token_rate=1.0, mask_token_rate=0.0,
    )
    batch = next(iter(batches))
    labels = batch["sentence_labels"].numpy()
    first, second, expected_labels = next(iter(
        labelled_pair_dataset(documents, "sop", seed=3).batch(8)
    ))
    np.testing.assert_array_equal(labels, expected_labels.numpy())
    word = {token: index for index, token in enumerate(vocabulary)}
    a = first.numpy()[0].decode().split()
    b = second.numpy()[0].decode().split()
    row = ["[CLS]"] + [w.replace(".", "") for w in a] + ["."]
    row += ["[SEP]"] + [w.replace(".", "") for w in b] + [".", "[SEP]"]
    row = [word[w] for w in row]
    np.testing.assert_array_equal(
        batch["token_ids"].numpy()[0], row + [0] * (16 - len(row))
    )
    # Random replacements never make a special token (a stray [SEP] would
    # move the segment boundary).
    masked = batch["masked_token_ids"].numpy()
    changed = masked != batch["token_ids"].numpy()
    assert changed.any() and not np.isin(masked[changed], [0, 1, 2, 3]).any()
    assert tf.reduce_all(batch["mask_weights"] >= 0)
