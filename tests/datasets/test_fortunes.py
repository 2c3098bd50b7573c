"""The fortunes loader: Debian's files when installed, a tiny copy otherwise."""

import numpy as np
import pytest

import keras_ssl
from keras_ssl.datasets import fortunes_data

needs_fortunes = pytest.mark.skipif(
    not fortunes_data.fortunes_available(),
    reason="Debian's fortune files are absent (apt-get install fortunes)",
)


@pytest.fixture
def fortune_dir(tmp_path):
    (tmp_path / "science").write_text(
        "E = mc squared, said the physicist today\n%\nshort one\n%\n"
        "Science is what we understand well enough to explain\n%\n"
    )
    (tmp_path / "startrek").write_text(
        "  Beam me up, Scotty, there is no intelligent life here.\n%  \n"
        "Live long and prosper, said the Vulcan.\n"
    )
    (tmp_path / "science.dat").write_bytes(b"\x00\x01")  # index, not a category
    return str(tmp_path)


def test_reads_categories_splits_on_percent_and_drops_short(fortune_dir):
    texts, labels, names = keras_ssl.datasets.fortunes(directory=fortune_dir)
    assert names == ("science", "startrek")
    assert texts == [
        "E = mc squared, said the physicist today",
        "Science is what we understand well enough to explain",
        "Beam me up, Scotty, there is no intelligent life here.",
        "Live long and prosper, said the Vulcan.",
    ]
    np.testing.assert_array_equal(labels, [0, 0, 1, 1])
    texts, labels, _ = keras_ssl.datasets.fortunes(
        ["startrek", "science"], min_words=0, directory=fortune_dir
    )
    assert len(texts) == 5 and "short one" in texts
    np.testing.assert_array_equal(labels, [0, 0, 1, 1, 1])


def test_bad_arguments_raise(fortune_dir):
    with pytest.raises(ValueError, match="Unknown fortune categories.*science"):
        keras_ssl.datasets.fortunes(["poetry"], directory=fortune_dir)
    with pytest.raises(ValueError, match="min_words"):
        keras_ssl.datasets.fortunes(min_words=-1, directory=fortune_dir)


def test_absent_files_name_the_package(tmp_path):
    with pytest.raises(FileNotFoundError, match="apt-get install fortunes"):
        keras_ssl.datasets.fortunes(directory=str(tmp_path / "none"))
    assert not keras_ssl.datasets.fortunes_available(str(tmp_path))


@needs_fortunes
def test_topic_task_matches_the_issue_protocol():
    (x_train, y_train), (x_test, y_test), names = (
        keras_ssl.datasets.fortunes_topics()
    )
    assert names == fortunes_data.TOPIC_CATEGORIES
    assert len(x_train) + len(x_test) == 4425
    assert len(x_test) == 1328
    # Stratified: every class keeps its share in the test split.
    train_share = np.bincount(y_train) / len(y_train)
    test_share = np.bincount(y_test) / len(y_test)
    np.testing.assert_allclose(train_share, test_share, atol=0.01)
    assert all(len(text.split()) >= 5 for text in x_train + x_test)


def test_heldout_candidates_follow_the_rule_on_a_tiny_folder(fortune_dir, tmp_path):
    # science and startrek are protocol topics; zippy has 1 fortune of >= 5 words.
    (tmp_path / "zippy").write_text("one two three four five\n%\nsix\n%\n")
    assert fortunes_data.heldout_topic_candidates(2, directory=fortune_dir) == []
    assert fortunes_data.heldout_topic_candidates(1, directory=fortune_dir) == ["zippy"]


@needs_fortunes
def test_heldout_topics_are_the_documented_draw_and_disjoint_from_the_protocol():
    import random

    candidates = fortunes_data.heldout_topic_candidates()
    assert len(candidates) == 17  # Debian 12's package
    drawn = tuple(sorted(random.Random(33).sample(candidates, 6)))
    assert drawn == keras_ssl.datasets.HELDOUT_TOPIC_CATEGORIES
    assert not set(drawn) & set(keras_ssl.datasets.TOPIC_CATEGORIES)
    (x_train, y_train), (x_test, y_test), names = keras_ssl.datasets.fortunes_topics(
        categories=drawn
    )
    assert names == drawn and sorted(set(y_test.tolist())) == list(range(6))
    assert len(x_train) + len(x_test) == 2805 and len(x_test) == 842
