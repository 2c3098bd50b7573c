"""Sentence pairs for BERT's next-sentence and ALBERT's sentence-order tasks.

Plain numpy and `re`, no TensorFlow: documents are split into sentences,
each two consecutive sentences of one document make a pair `(a, b)`, and a
pair becomes a labelled example:

- NSP (Devlin et al. 2019, https://arxiv.org/abs/1810.04805, Section 3.1):
  "50% of the time B is the actual next sentence that follows A (labeled as
  IsNext), and 50% of the time it is a random sentence from the corpus
  (labeled as NotNext)". The random sentence is drawn uniformly from the
  sentences of the other documents (as BERT's data code does).
- SOP (Lan et al. 2020, https://arxiv.org/abs/1909.11942, Section 4.1):
  "two consecutive segments from the same document" as positives, "the
  same two consecutive segments but with their order swapped" as
  negatives, 50% each.

Label 1 means the pair is as the text has it (`b` follows `a`); 0 means
replaced (NSP) or swapped (SOP). Everything is deterministic given `seed`.
"""

import re

import numpy as np

#: The sentence objectives, as `MaskedLM(sentence_objective=...)` takes them.
SENTENCE_OBJECTIVES = ("nsp", "sop")

# A sentence ends at . ! ? (then closing quotes or brackets) before
# whitespace; a blank line ends one too.
_END = re.compile(r"[.!?]+[\"')\]]*\s+|\n[ \t]*\n\s*")
# Words after which a period does not end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr vs etc e.g i.e prof gen rev no vol mt ft".split()
)


def check_sentence_objective(objective, allow_none=True):
    """Raise a ValueError naming the choices unless `objective` is one."""
    if objective is None and allow_none:
        return
    if objective not in SENTENCE_OBJECTIVES:
        raise ValueError(
            f"sentence_objective must be None, 'nsp' (BERT's next-sentence "
            f"prediction) or 'sop' (ALBERT's sentence-order prediction); got "
            f"{objective!r}. One objective at a time."
        )


def split_sentences(text):
    """The sentences of `text`, whitespace collapsed, in order.

    A sentence ends at `.`, `!` or `?` (and any closing quotes) followed by
    whitespace, or at a blank line; not after an initial ("H. L. Mencken";
    any one letter but "I") or a common abbreviation ("Mr.", "e.g.").

    Args:
        text: str.

    Returns:
        list of non-empty str.
    """
    sentences, start = [], 0
    for match in _END.finditer(text):
        before = text[start:match.start()].split()
        last = before[-1].lower().rstrip(".") if before else ""
        initial = len(last) == 1 and last.isalpha() and last != "i"
        if text[match.start()] == "." and (initial or last in _ABBREVIATIONS):
            continue
        sentences.append(text[start:match.end()])
        start = match.end()
    sentences.append(text[start:])
    return [" ".join(s.split()) for s in sentences if s.strip()]


def consecutive_sentence_pairs(documents):
    """Every two consecutive sentences of each document.

    Args:
        documents: list of documents, each a str (split with
            `split_sentences`) or a list of sentences.

    Returns:
        dict of numpy arrays, one row per pair: `first`, `second` (str),
        `document` (int, the document's index); and `sentences` (str) with
        `sentence_document` (int): every sentence of the corpus, documents
        in order (the pool NSP draws random seconds from).
    """
    if isinstance(documents, str) or not len(documents):
        raise ValueError(
            "Sentence pairs need a list of documents (strings of several "
            "sentences, or lists of sentences); got "
            f"{'a single string' if isinstance(documents, str) else 'none'}."
        )
    first, second, document, sentences, sentence_document = [], [], [], [], []
    for index, doc in enumerate(documents):
        split = split_sentences(doc) if isinstance(doc, str) else [
            " ".join(str(s).split()) for s in doc if str(s).strip()
        ]
        first += split[:-1]
        second += split[1:]
        document += [index] * max(len(split) - 1, 0)
        sentences += split
        sentence_document += [index] * len(split)
    if not first:
        raise ValueError(
            f"None of the {len(documents)} documents has two sentences, so "
            f"there is no sentence pair. Sentence objectives need documents "
            f"of several sentences (ended by . ! ? or blank lines), or "
            f"documents given as lists of sentences."
        )
    return {
        "first": np.array(first, dtype=object),
        "second": np.array(second, dtype=object),
        "document": np.array(document, dtype=np.int64),
        "sentences": np.array(sentences, dtype=object),
        "sentence_document": np.array(sentence_document, dtype=np.int64),
    }


def check_pairs(pairs, objective):
    """Raise a ValueError if `objective` cannot be trained on `pairs`.

    Args:
        pairs: dict from `consecutive_sentence_pairs`.
        objective: `"nsp"` or `"sop"`.
    """
    check_sentence_objective(objective, allow_none=False)
    if objective == "nsp" and len(np.unique(pairs["sentence_document"])) < 2:
        raise ValueError(
            "Next-sentence prediction draws random sentences from other "
            "documents, and the corpus has only one document. Pass several "
            "documents, or use sentence_objective='sop'."
        )


def label_sentence_pairs(pairs, objective, rng):
    """Labelled examples of `consecutive_sentence_pairs(...)`'s pairs.

    Half of the pairs on average (a fair coin each) keep their order (label
    1); the others get, for `"nsp"`, a second sentence drawn uniformly from
    the sentences of the other documents, or, for `"sop"`, their two
    sentences swapped (label 0).

    Args:
        pairs: dict from `consecutive_sentence_pairs`.
        objective: `"nsp"` or `"sop"`.
        rng: `numpy.random.Generator`.

    Returns:
        dict of arrays: `first`, `second` (str), `label` (int32),
        `document` (the pair's document) and `second_document` (the
        document the second sentence comes from).
    """
    check_pairs(pairs, objective)
    first, second = pairs["first"].copy(), pairs["second"].copy()
    document = pairs["document"]
    second_document = document.copy()
    keep = rng.random(len(first)) < 0.5
    changed = np.flatnonzero(~keep)
    if objective == "sop":
        first[changed], second[changed] = second[changed], first[changed]
    else:
        pool_document = pairs["sentence_document"]
        # Sentences of a document are contiguous in the pool: draw among
        # the others by skipping the pair's own block.
        starts = np.searchsorted(pool_document, document[changed], side="left")
        ends = np.searchsorted(pool_document, document[changed], side="right")
        others = len(pool_document) - (ends - starts)
        draw = np.floor(rng.random(len(changed)) * others).astype(np.int64)
        draw = np.where(draw >= starts, draw + (ends - starts), draw)
        second[changed] = pairs["sentences"][draw]
        second_document[changed] = pool_document[draw]
    return {
        "first": first,
        "second": second,
        "label": keep.astype(np.int32),
        "document": document,
        "second_document": second_document,
    }


def sentence_pair_examples(documents, objective, seed=None):
    """NSP or SOP examples of a list of documents, deterministic given `seed`.

    Example:
    ```python
    examples = keras_ssl.data.text_sentence_pairs.sentence_pair_examples(
        ["It rained. We stayed in.", "A cat sat. It purred."], "sop", seed=0
    )
    examples["first"], examples["second"], examples["label"]
    ```

    Args:
        documents: list of str (or of lists of sentences).
        objective: `"nsp"` or `"sop"`.
        seed: int or None.

    Returns:
        The dict of `label_sentence_pairs`, one row per consecutive pair.
    """
    check_sentence_objective(objective, allow_none=False)
    pairs = consecutive_sentence_pairs(documents)
    return label_sentence_pairs(pairs, objective, np.random.default_rng(seed))
