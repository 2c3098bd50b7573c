"""The made-up corpus and the small MaskedLM of the masked-LM tests."""

import itertools

import keras_ssl
import numpy as np
import pytest

# A small "real-ish" corpus: who does what, where and when. Each action's
# words go together, so context predicts a masked word far better than the
# most frequent word does; held-out sentences are unseen subject/action pairs.
SUBJECTS = [
    "the farmer", "the old king", "a young girl", "the miller",
    "my brother", "the soldier", "her mother", "the priest",
]
ACTIONS = [
    "plants the seeds in spring", "rides a horse to the town",
    "bakes bread in the morning", "sings a song at night",
    "reads a book by the fire", "drinks wine with his friends",
    "sells fish at the market", "prays in the old church",
]
_PAIRS = list(itertools.product(SUBJECTS, ACTIONS))
np.random.default_rng(0).shuffle(_PAIRS)
TRAIN = [f"{subject} {action} ." for subject, action in _PAIRS[:48]] * 12
HELD_OUT = [f"{subject} {action} ." for subject, action in _PAIRS[48:]]
VOCABULARY_SIZE = 80  # This corpus supports about 90 WordPiece tokens.


@pytest.fixture(scope="module")
def vocabulary():
    model = keras_ssl.MaskedLM.from_texts(TRAIN, vocabulary_size=VOCABULARY_SIZE)
    return model.tokenizer.get_vocabulary()


def make_model(vocabulary, **kwargs):
    encoder = keras_ssl.encoders.TextTransformer(
        vocabulary=vocabulary, sequence_length=16, num_layers=1, num_heads=2,
        hidden_dim=32, intermediate_dim=64, dropout=0.0,
    )
    return keras_ssl.MaskedLM(encoder=encoder, seed=0, **kwargs)


def frozen_batches(model, texts, batch_size):
    """Masked batches with their masks drawn once (cached)."""
    batches = model.prepare_inputs(texts, batch_size=batch_size).cache()
    for _ in batches:  # Fill the cache.
        pass
    return batches
