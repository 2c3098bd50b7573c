"""Debian's `fortunes`: short English texts, one file per category.

The `fortunes` package (`apt-get install fortunes`) installs plain-text
files under `/usr/share/games/fortunes/`, one per category (`computers`,
`politics`, ...), fortunes separated by lines holding `%`. keras_ssl reads
those files as they are; nothing is downloaded. The texts are the fortune
package's (BSD-licensed collection with Debian's additions).
"""

import os
import re

import numpy as np

#: Where Debian's `fortunes` package puts its files.
DEFAULT_DIRECTORY = "/usr/share/games/fortunes"

#: The six categories of the topic-classification task (issue 17), in
#: label order.
TOPIC_CATEGORIES = (
    "computers", "politics", "science", "songs-poems", "startrek", "definitions",
)

#: Issue 33's held-out topics: six other categories, for checking that a
#: text recipe's figures carry over to topics never used to choose it.
#: Drawn, before any text recipe was measured on them, by the rule
#: `sorted(random.Random(33).sample(candidates, 6))` among the categories
#: outside `TOPIC_CATEGORIES` with at least 200 fortunes of >= 5 words
#: (Debian 12's package: 17 candidates; `heldout_topic_candidates()`).
HELDOUT_TOPIC_CATEGORIES = (
    "fortunes", "knghtbrd", "linux", "platitudes", "wisdom", "work",
)

#: The topic task's split: `train_test_split(test_size=0.3,
#: stratify=labels, random_state=0)`.
TOPIC_TEST_SIZE = 0.3
TOPIC_RANDOM_STATE = 0

_SEPARATOR = re.compile(r"^%[ \t]*$", flags=re.MULTILINE)


def fortunes_directory(directory=None):
    """The directory of the fortune files, checked to exist.

    Raises:
        FileNotFoundError: naming `apt-get install fortunes` when the files
            are absent.
    """
    directory = directory or os.environ.get("KERAS_SSL_FORTUNES_DIR") or (
        DEFAULT_DIRECTORY
    )
    if not os.path.isdir(directory) or not list_categories(directory, check=False):
        raise FileNotFoundError(
            f"Debian's fortune files are not in {directory!r}. Install them "
            f"with `apt-get install fortunes` (Debian/Ubuntu), or pass "
            f"directory= (or set KERAS_SSL_FORTUNES_DIR) to a folder of "
            f"fortune files (texts separated by lines holding '%')."
        )
    return directory


def list_categories(directory=None, check=True):
    """The category names (file names without `.dat`/`.u8`), sorted."""
    if check:
        directory = fortunes_directory(directory)
    if not os.path.isdir(directory):
        return []
    return sorted(
        name for name in os.listdir(directory)
        if "." not in name and os.path.isfile(os.path.join(directory, name))
    )


def read_fortunes(path):
    """The fortunes of one file: stripped, non-empty texts between `%` lines."""
    with open(path, encoding="utf-8", errors="replace") as file:
        content = file.read()
    return [part.strip() for part in _SEPARATOR.split(content) if part.strip()]


def fortunes(categories=None, min_words=5, directory=None):
    """Fortunes and the index of their category, read from Debian's files.

    Args:
        categories: sequence of category names (see `list_categories()`),
            or None for every category (14,762 fortunes of 5 words or more
            in Debian 12's package; 4,425 in `TOPIC_CATEGORIES`).
        min_words: int >= 0. Keep fortunes of at least this many
            whitespace-separated words (5 in issue 17's protocol).
        directory: str or None. The fortune files' folder; default
            `$KERAS_SSL_FORTUNES_DIR` or `/usr/share/games/fortunes`.

    Returns:
        `(texts, labels, categories)`: a list of str, an int32 array of
        indices into `categories`, and the tuple of category names used.

    Raises:
        FileNotFoundError: the files are absent (`apt-get install fortunes`).
        ValueError: an unknown category, or a bad `min_words`.

    Example:
    ```python
    texts, labels, names = keras_ssl.datasets.fortunes(["science", "startrek"])
    unlabeled, _, _ = keras_ssl.datasets.fortunes()  # every category
    ```
    """
    directory = fortunes_directory(directory)
    if isinstance(min_words, bool) or int(min_words) != min_words or min_words < 0:
        raise ValueError(f"min_words must be an int >= 0; got {min_words!r}.")
    known = list_categories(directory)
    if categories is None:
        categories = known
    if isinstance(categories, str):
        categories = [categories]
    categories = tuple(categories)
    unknown = [name for name in categories if name not in known]
    if unknown or not categories:
        raise ValueError(
            f"Unknown fortune categories {unknown or list(categories)}; the "
            f"installed ones are {known}."
        )
    texts, labels = [], []
    for index, name in enumerate(categories):
        for text in read_fortunes(os.path.join(directory, name)):
            if len(text.split()) >= min_words:
                texts.append(text)
                labels.append(index)
    return texts, np.asarray(labels, dtype="int32"), categories


def fortunes_topics(min_words=5, directory=None, categories=TOPIC_CATEGORIES):
    """Issue 17's fixed topic task: six categories, stratified 70/30 split.

    `categories` (label order; default `TOPIC_CATEGORIES`, or
    `HELDOUT_TOPIC_CATEGORIES` for the held-out topics), fortunes of at
    least `min_words` words, `sklearn.model_selection.train_test_split(
    test_size=0.3, stratify=labels, random_state=0)`.

    Returns:
        `((x_train, y_train), (x_test, y_test), categories)`: lists of str
        and int32 label arrays.

    Example:
    ```python
    (x_train, y_train), (x_test, y_test), names = (
        keras_ssl.datasets.fortunes_topics()
    )
    heldout = keras_ssl.datasets.fortunes_topics(
        categories=keras_ssl.datasets.HELDOUT_TOPIC_CATEGORIES
    )
    ```
    """
    from sklearn.model_selection import train_test_split

    texts, labels, categories = fortunes(categories, min_words, directory)
    x_train, x_test, y_train, y_test = train_test_split(
        texts, labels, test_size=TOPIC_TEST_SIZE, stratify=labels,
        random_state=TOPIC_RANDOM_STATE,
    )
    return (list(x_train), y_train), (list(x_test), y_test), categories


def heldout_topic_candidates(min_fortunes=200, min_words=5, directory=None):
    """The categories `HELDOUT_TOPIC_CATEGORIES` was drawn from: outside
    `TOPIC_CATEGORIES`, with at least `min_fortunes` fortunes of
    `min_words` words or more; sorted."""
    directory = fortunes_directory(directory)
    return [
        name for name in list_categories(directory)
        if name not in TOPIC_CATEGORIES
        and len(fortunes([name], min_words, directory)[0]) >= min_fortunes
    ]


def fortunes_available(directory=None):
    """True when the fortune files can be read (tests skip otherwise)."""
    try:
        fortunes_directory(directory)
    except FileNotFoundError:
        return False
    return True
