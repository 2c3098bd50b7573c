"""Every shipped preset loads, verifies, and measures what its card says.

The weights' sha256 is checked on load. Under TensorFlow, each mnist5k
preset's probe accuracy on the test split is recomputed with the recipes'
protocol (all labels; 10 labels per class with --run-large, as it costs 5
draws). On the other backends CI runs, the preset's encoder must give
TensorFlow's features of 64 test digits (computed in a TensorFlow
subprocess), so the figure holds there too without a second recomputation;
where TensorFlow is not installed, the figure is recomputed instead. The
masked-LM preset's masked-token accuracy on its shipped held-out positions
is recomputed on every backend, and so is each fortunes text preset's
topic probe on the labelled held-out fortunes it ships.
"""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile

import keras

import numpy as np
import pytest

import keras_ssl
from keras_ssl.presets.preset_files import read_preset
from keras_ssl.presets.registry import shipped_presets

# Points of accuracy a recomputed figure may differ from the card by
# (float rounding differs between backends and machines).
TOLERANCE = 0.005
# The text presets' held-out topic probe scores 180 fortunes: allow two of
# them to flip between backends and machines.
HELDOUT_TOLERANCE = 2 / 180 + 1e-6


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PRESETS = sorted(shipped_presets())
# Features of several backends may differ by float rounding, relative to
# their largest magnitude.
FEATURE_TOLERANCE = 1e-4


def tensorflow_checks_the_figures():
    """True where this run leaves the mnist5k figures to TensorFlow's run."""
    return (
        keras.backend.backend() != "tensorflow"
        and importlib.util.find_spec("tensorflow") is not None
    )


def metadata(name):
    return read_preset(shipped_presets()[name]).metadata


#: Methods that landed before their preset, and the issue that owes it. A
#: method leaves this list in the commit that ships its preset (the test
#: below fails while it is listed and has one).
PRESET_PENDING = {}


def test_every_registered_method_has_a_preset():
    # The zoo's size cap and storage rules: test_zoo_storage.py.
    methods = {metadata(name)["method"] for name in PRESETS}
    registered = {
        keras_ssl.methods.get_method(name).__name__ for name in keras_ssl.list_methods()
    }
    assert methods >= registered - set(PRESET_PENDING), registered - methods
    assert not methods & set(PRESET_PENDING), "remove shipped methods from PRESET_PENDING"
    assert set(PRESET_PENDING) <= registered, "PRESET_PENDING names no such method"


@pytest.mark.parametrize("name", PRESETS)
def test_a_preset_name_starts_with_its_methods_registered_name(name):
    prefixes = [m for m in keras_ssl.list_methods() if name.startswith(m + "_")]
    assert prefixes, f"{name} starts with no registered method name"
    cls = keras_ssl.methods.get_method(max(prefixes, key=len))
    assert cls.__name__ == metadata(name)["method"]


@pytest.mark.parametrize("name", PRESETS)
def test_the_card_shows_the_metadata_figures(name):
    with open(os.path.join(shipped_presets()[name], "README.md"), encoding="utf-8") as file:
        card = file.read()
    for value in metadata(name)["metrics"].values():
        assert f"{value:.4g}" in card


@pytest.mark.parametrize("name", PRESETS)
def test_the_card_names_its_recipe_from_the_repository_root(name):
    metadata = read_preset(shipped_presets()[name]).metadata
    script = metadata["recipe"].split()[1]
    assert metadata["recipe"].startswith("python zoo/recipes/"), metadata["recipe"]
    assert os.path.isfile(os.path.join(ROOT, script)), script


@pytest.mark.parametrize("name", PRESETS)
def test_the_readme_zoo_table_matches_the_preset(name):
    from keras_ssl.cli import zoo_table

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as file:
        readme = file.read()
    # Only the zoo table's block: other README tables name presets too.
    table = readme[readme.index(zoo_table.BEGIN):readme.index(zoo_table.END)]
    rows = [line for line in table.splitlines() if line.startswith(f"| `{name}` |")]
    assert len(rows) == 1, f"README.md has no zoo table row for {name}"
    metrics = metadata(name)["metrics"]
    for key in ("probe_accuracy_10_per_class", "probe_accuracy_all", "masked_token_accuracy"):
        if key in metrics:
            assert f"{100 * metrics[key]:.1f}%" in rows[0]


def test_the_readme_zoo_table_is_the_generated_one():
    from keras_ssl.cli import zoo_table

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as file:
        readme = file.read()
    expected = zoo_table.replace_table(readme, zoo_table.zoo_table_markdown())
    assert readme == expected, (
        "README.md's zoo table is stale: run "
        "`python -m keras_ssl.cli.zoo_table --write README.md`"
    )


def reproduce_metrics(name, labels_per_class):
    stored = metadata(name)
    method = getattr(keras_ssl, stored["method"])
    model = method.from_preset(name)
    topics = os.path.join(shipped_presets()[name], "heldout_topics.json")
    if stored["method"] == "MaskedLM":
        path = os.path.join(shipped_presets()[name], "heldout_masked.npz")
        with np.load(path) as arrays:
            measured = keras_ssl.evaluation.masked_lm_metrics(model, dict(arrays))
        keys = ["masked_token_accuracy"]
    elif os.path.exists(topics):
        measured, keys = {}, []
    else:
        encoder = keras_ssl.load_encoder(name)
        np.testing.assert_array_equal(
            encoder.get_weights()[0], model.encoder.get_weights()[0]
        )
        measured = keras_ssl.evaluation.mnist5k_metrics(
            encoder, labels_per_class=labels_per_class
        )
        keys = [
            "probe_accuracy_all" if budget == "all"
            else f"probe_accuracy_{budget}_per_class"
            for budget in labels_per_class
        ]
    if os.path.exists(topics):
        # Text presets on fortunes: the topic probe on their shipped texts.
        from keras_ssl.evaluation.fortunes_protocol import heldout_topics_accuracy

        with open(topics, encoding="utf-8") as file:
            heldout = json.load(file)
        measured["heldout_probe_accuracy"] = heldout_topics_accuracy(
            keras_ssl.load_encoder(name), heldout
        )
        keys.append("heldout_probe_accuracy")
    # Weights stored in half precision: the figures recomputed from them
    # when they were converted (each within 0.2 points of the card's float32
    # figure, test_zoo_storage.py).
    expected = dict(stored["metrics"], **stored.get("weights_check", {}).get("metrics", {}))
    for key in keys:
        tolerance = HELDOUT_TOLERANCE if key == "heldout_probe_accuracy" else TOLERANCE
        assert abs(measured[key] - expected[key]) <= tolerance, (
            key,
            measured[key],
            expected[key],
        )


def is_fsdd_preset(name):
    return metadata(name)["data"].startswith("The Free Spoken Digit Dataset")


def is_mnist5k_preset(name):
    return metadata(name)["data"].startswith("mnist5k")


@pytest.mark.parametrize("name", PRESETS)
def test_the_preset_reproduces_its_all_labels_figure(name):
    if metadata(name)["data"].startswith("Fashion-MNIST"):
        pytest.skip("the whole protocol: test_fashion_mnist_presets.py, --run-large")
    if is_fsdd_preset(name):
        pytest.skip("FSDD's protocol: test_fsdd_presets.py")
    if is_mnist5k_preset(name) and tensorflow_checks_the_figures():
        pytest.skip("recomputed under TensorFlow; here its features are compared")
    reproduce_metrics(name, ("all",))


def tensorflow_features():
    """`{preset: features of 64 test digits}` computed in a TensorFlow process."""
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "features.npz")
        process = subprocess.run(
            [sys.executable, os.path.join(ROOT, "tests", "zoo", "tensorflow_features.py"), path],
            capture_output=True, text=True, cwd=ROOT, timeout=900,
            env=dict(os.environ, PYTHONPATH=os.pathsep.join(
                [ROOT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
            )),
        )
        assert process.returncode == 0, process.stderr[-2000:]
        with np.load(path) as arrays:
            return dict(arrays)


def test_every_image_encoder_gives_tensorflows_features():
    # One test, so the TensorFlow subprocess runs once (not once per worker).
    if not tensorflow_checks_the_figures():
        pytest.skip("this run recomputes the figures itself")
    names = [name for name in PRESETS if is_mnist5k_preset(name)]
    expected = tensorflow_features()
    assert sorted(expected) == names
    images, _ = keras_ssl.datasets.mnist5k("test")
    for name in names:
        actual = keras_ssl.load_encoder(name).predict(images[: len(expected[name])], verbose=0)
        scale = np.abs(expected[name]).max()
        assert scale > 0, name
        np.testing.assert_allclose(
            actual, expected[name], rtol=0, atol=FEATURE_TOLERANCE * scale, err_msg=name
        )


@pytest.mark.large
@pytest.mark.parametrize("name", PRESETS)
def test_the_preset_reproduces_its_10_per_class_figure(name):
    if metadata(name)["data"].startswith("Fashion-MNIST"):
        pytest.skip("its card has the benchmark protocol's budgets: test_fashion_mnist_presets.py")
    if is_fsdd_preset(name):
        pytest.skip("FSDD's protocol: test_fsdd_presets.py")
    reproduce_metrics(name, (10,))
