"""The registry is the one list of methods: exports, CLI, README and the
zoo read it; every registered method has the same shape."""

import ast
import os
import re

import keras
import pytest

import keras_ssl
from keras_ssl.cli import build_parser

ROOT = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir)
METHODS_DIR = os.path.join(ROOT, "keras_ssl", "methods")

# What a method may not override: the base owns the data handling and steps.
BASE_OWNED = (
    "call", "fit", "evaluate", "predict", "train_step", "test_step",
    "ssl_step_loss", "ssl_step_logs",
)


def test_the_methods_keep_their_registered_and_keras_names():
    expected = {
        "autoencoder": "ConvAutoencoder", "barlow_twins": "BarlowTwins", "byol": "BYOL",
        "deepcluster_v2": "DeepClusterV2",
        "dino": "DINO", "jigsaw": "Jigsaw",
        "mae": "MAE", "mlm": "MaskedLM", "moco": "MoCo", "nnclr": "NNCLR",
        "rotation": "RotationPrediction", "simclr": "SimCLR", "simcse": "SimCSE",
        "simsiam": "SimSiam", "swav": "SwAV",
        "vicreg": "VICReg", "wav2vec2": "Wav2Vec2",
    }
    assert sorted(keras_ssl.list_methods()) == sorted(expected)
    for name, class_name in expected.items():
        cls = keras_ssl.methods.get_method(name)
        assert cls.__name__ == class_name and cls.method_name == name
        assert keras.saving.get_registered_name(cls) == f"keras_ssl>{class_name}"
        assert getattr(keras_ssl, class_name) is cls


def test_an_unknown_method_name_lists_the_registered_ones():
    with pytest.raises(ValueError, match=", ".join(keras_ssl.list_methods())):
        keras_ssl.methods.get_method("simsiam_typo")


def test_a_taken_name_or_a_bad_name_is_refused():
    with pytest.raises(ValueError, match="taken by SimCLR"):
        keras_ssl.methods.register_method("simclr")(type("Other", (keras_ssl.SSLModel,), {}))
    with pytest.raises(ValueError, match="lowercase"):
        keras_ssl.methods.register_method("Sim CLR")


@pytest.mark.parametrize("name", keras_ssl.list_methods())
def test_a_method_is_one_documented_class_that_leaves_the_steps_to_the_base(name):
    cls = keras_ssl.methods.get_method(name)
    overridden = [attribute for attribute in BASE_OWNED if attribute in cls.__dict__]
    assert not overridden, f"{cls.__name__} overrides {overridden}"
    assert cls.inputs_class is not None
    doc = cls.__doc__
    assert "Args:" in doc and "Example" in doc and re.search(r"https?://", doc)
    assert "get_config" in cls.__dict__ or cls.__init__ is keras_ssl.SSLModel.__init__


def _imports(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            for alias in node.names:
                yield f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


@pytest.mark.parametrize("module", ["ssl_model", "joint_embedding"])
def test_the_bases_import_nothing_image_or_text_specific(module):
    forbidden = ("keras_ssl.data", "keras_ssl.encoders", "keras_ssl.inputs", "keras_nlp")
    found = [
        name for name in _imports(os.path.join(METHODS_DIR, f"{module}.py"))
        if name.startswith(forbidden)
    ]
    assert not found, found


def test_the_cli_offers_exactly_the_registered_methods(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["pretrain", "--help"])
    choices = "{" + ",".join(keras_ssl.list_methods()) + "}"
    assert choices in capsys.readouterr().out


def test_the_readme_method_table_lists_the_registered_methods():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as file:
        readme = file.read()
    section = readme.split("## Methods", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| `(\w+)` \|", section, re.M)
    assert sorted(name for name, _ in rows) == keras_ssl.list_methods()
    for name, class_name in rows:
        assert keras_ssl.methods.get_method(name).__name__ == class_name
