import numpy as np
import pytest

from keras_ssl.data import text_checks

tf = pytest.importorskip("tensorflow")


def strings_of(dataset):
    return [value.decode() for value in dataset.as_numpy_iterator()]


# Each bad input, and words its error message must contain.
BAD_INPUTS = {
    "empty_list": ([], "corpus is empty"),
    "empty_string": (["a text", ""], r"texts\[1\] is empty"),
    "whitespace": (["a text", " \n\t"], r"texts\[1\] is empty"),
    "number": (["a text", 3], r"texts\[1\] is int"),
    "none": ([None], r"texts\[0\] is NoneType"),
    "bytes": ([b"bytes"], r"texts\[0\] is bytes"),
    "numeric_array": (np.zeros((4, 8), "float32"), "numeric array"),
    "array_2d": (np.array([["a", "b"]]), "1-D array"),
    "not_a_file": ("just one sentence", "not a path to a file"),
    "dict": ({"a": 1}, "got dict"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_inputs_raise_clear_errors(case):
    data, message = BAD_INPUTS[case]
    with pytest.raises(ValueError, match=message):
        text_checks.string_dataset(data)


def test_lists_arrays_and_tuples():
    for texts in (["one", "two"], ("one", "two"), np.array(["one", "two"])):
        dataset, batched = text_checks.string_dataset(texts)
        assert not batched
        assert strings_of(dataset) == ["one", "two"]


def test_text_file_skips_blank_lines(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("first line\n\n  \nsecond line\n", encoding="utf-8")
    for form in (str(path), path):
        dataset, batched = text_checks.string_dataset(form)
        assert not batched
        assert strings_of(dataset) == ["first line", "second line"]
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n", encoding="utf-8")
    with pytest.raises(ValueError, match="is empty"):
        text_checks.string_dataset(str(empty))


def test_datasets_single_batched_dict_and_tuple():
    texts = ["one", "two", "three"]
    single = tf.data.Dataset.from_tensor_slices(texts)
    dataset, batched = text_checks.string_dataset(single)
    assert not batched and strings_of(dataset) == texts
    dataset, batched = text_checks.string_dataset(single.batch(2))
    assert batched and [len(b) for b in dataset] == [2, 1]
    as_dict = tf.data.Dataset.from_tensor_slices({"text": texts, "label": [0, 1, 2]})
    dataset, _ = text_checks.string_dataset(as_dict)
    assert strings_of(dataset) == texts
    as_tuple = tf.data.Dataset.from_tensor_slices((texts, [0, 1, 2]))
    dataset, _ = text_checks.string_dataset(as_tuple)
    assert strings_of(dataset) == texts


def test_bad_datasets_raise_clear_errors():
    numbers = tf.data.Dataset.from_tensor_slices(np.zeros((4, 8), "int32"))
    with pytest.raises(ValueError, match="not strings"):
        text_checks.string_dataset(numbers)
    wrong_key = tf.data.Dataset.from_tensor_slices({"sentence": ["a", "b"]})
    with pytest.raises(ValueError, match="key 'text'"):
        text_checks.string_dataset(wrong_key)
    empty = tf.data.Dataset.from_tensor_slices(["a"]).take(0)
    with pytest.raises(ValueError, match="empty"):
        text_checks.string_dataset(empty)
    first_empty = tf.data.Dataset.from_tensor_slices(["", "b"])
    with pytest.raises(ValueError, match="is empty"):
        text_checks.string_dataset(first_empty)
    rank_2 = tf.data.Dataset.from_tensor_slices([[["a"]]])
    with pytest.raises(ValueError, match="shape"):
        text_checks.string_dataset(rank_2)


def test_is_text_input():
    assert text_checks.is_text_input(["a"])
    assert text_checks.is_text_input(np.array(["a"]))
    assert text_checks.is_text_input("corpus.txt")
    assert text_checks.is_text_input(tf.data.Dataset.from_tensor_slices(["a"]))
    assert text_checks.is_text_input(tf.constant(["a"]))
    assert not text_checks.is_text_input(np.zeros((2, 3), "int32"))
    assert not text_checks.is_text_input(
        tf.data.Dataset.from_tensor_slices(np.zeros((2, 3), "int32"))
    )
