import importlib.util
import os
import shutil
import subprocess
import sys

import pytest

import keras_ssl
from keras_ssl.cli import main
from keras_ssl.presets import registry


def test_list_presets_reads_each_presets_metadata(fake_zoo):
    presets = keras_ssl.list_presets()
    assert [preset["name"] for preset in presets] == ["alpha_tiny", "beta_tiny"]
    alpha = presets[0]
    assert alpha == {
        "name": "alpha_tiny",
        "method": "RotationPrediction",
        "encoder": "ConvNet",
        "data": "random noise",
        "split": "train",
        "headline_metric": "probe_accuracy_all",
        "headline_value": 0.5,
        "metrics": {"rotation_accuracy": 0.25, "probe_accuracy_all": 0.5},
        "weights_bytes": os.path.getsize(fake_zoo / "alpha_tiny" / "model.weights.h5"),
        "description": "A throwaway preset made by the tests.",
        "path": str(fake_zoo / "alpha_tiny"),
    }


def test_a_malformed_shipped_metadata_is_named(fake_zoo):
    (fake_zoo / "beta_tiny" / "metadata.json").write_text("[]")
    with pytest.raises(keras_ssl.presets.PresetError, match="beta_tiny/metadata.json is malformed"):
        keras_ssl.list_presets()


def test_the_presets_command_prints_the_table(fake_zoo, capsys):
    assert main(["presets"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("| preset | method | encoder | data | headline metric")
    assert [line.split("|")[1].strip() for line in lines[2:]] == ["alpha_tiny", "beta_tiny"]
    cells = [cell.strip() for cell in lines[2].split("|")[1:-1]]
    assert cells[1:5] == [
        "RotationPrediction", "ConvNet", "random noise (train)", "probe_accuracy_all = 0.5",
    ]


def test_probe_command_lists_the_presets_for_an_unknown_name(fake_zoo, capsys):
    assert main(["probe", "no_such_preset"]) == 2
    assert "Shipped presets: alpha_tiny, beta_tiny" in capsys.readouterr().err


def test_probe_command_probes_a_preset_by_name(fake_zoo, tmp_path, capsys):
    import numpy as np

    rng = np.random.default_rng(0)
    labels = np.arange(20) % 2
    np.savez(
        tmp_path / "data.npz",
        x_train=rng.integers(0, 256, (20, 12, 12, 1), dtype="uint8"), y_train=labels,
        x_test=rng.integers(0, 256, (10, 12, 12, 1), dtype="uint8"), y_test=labels[:10],
    )
    code = main([
        "probe", "alpha_tiny", "--data", str(tmp_path / "data.npz"), "--labels-per-class",
        "all", "--probe-epochs", "2", "--draws", "1", "--k", "3",
    ])
    assert code == 0
    assert "Probing preset alpha_tiny" in capsys.readouterr().out


def test_the_presets_command_with_an_empty_zoo(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(registry, "zoo_directories", lambda: [str(tmp_path)])
    assert main(["presets"]) == 0
    assert f"No presets are installed (looked in: {tmp_path})" in capsys.readouterr().out


def test_the_checkout_zoo_is_found_beside_the_package():
    root = os.path.dirname(os.path.dirname(os.path.abspath(keras_ssl.__file__)))
    found = [os.path.realpath(path) for path in registry.zoo_directories()]
    if os.path.isfile(os.path.join(root, "setup.py")):
        assert os.path.realpath(os.path.join(root, "zoo")) in found
    else:  # an installed keras_ssl: its zoo is the package keras_ssl.zoo
        assert os.path.realpath(os.path.join(root, "keras_ssl", "zoo")) in found


def test_the_installed_package_zoo_comes_first(tmp_path, monkeypatch, tiny_preset):
    """`keras_ssl.zoo` as `pip install .` makes it, found by importlib."""
    package = tmp_path / "installed_zoo"
    package.mkdir()
    (package / "__init__.py").write_text('"""Presets."""\n')
    tiny_preset.copy_to(package, "installed_tiny")
    spec = importlib.util.spec_from_file_location(
        "keras_ssl.zoo", package / "__init__.py", submodule_search_locations=[str(package)]
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setitem(sys.modules, "keras_ssl.zoo", module)
    assert os.path.realpath(registry.zoo_directories()[0]) == os.path.realpath(package)
    assert "installed_tiny" in [preset["name"] for preset in keras_ssl.list_presets()]
    encoder = keras_ssl.load_encoder("installed_tiny")
    assert type(encoder) is keras_ssl.encoders.ConvNet


@pytest.mark.large
def test_a_non_editable_install_finds_its_presets_from_any_directory(tmp_path, tiny_preset):
    """`pip install .` of a copy of the repository with one preset in zoo/,
    then a fresh interpreter in another directory lists and loads it."""
    repository = os.path.dirname(os.path.dirname(os.path.abspath(keras_ssl.__file__)))
    if not os.path.isfile(os.path.join(repository, "setup.py")):
        pytest.skip("needs keras_ssl imported from a checkout")
    pytest.importorskip("setuptools")  # pip builds without isolation, offline
    source = tmp_path / "source"
    source.mkdir()
    for name in ("setup.py", "setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy(os.path.join(repository, name), source / name)
    shutil.copytree(
        os.path.join(repository, "keras_ssl"), source / "keras_ssl",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (source / "zoo").mkdir()
    shutil.copy(os.path.join(repository, "zoo", "__init__.py"), source / "zoo")
    tiny_preset.copy_to(source / "zoo", "installed_tiny")
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--no-build-isolation", "--no-index", "--target", str(target), str(source)],
        check=True, capture_output=True,
    )
    assert (target / "keras_ssl" / "zoo" / "installed_tiny" / "model.weights.h5").is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import keras_ssl; "
        "print(keras_ssl.__file__); "
        "print([p['name'] for p in keras_ssl.list_presets()]); "
        "print(type(keras_ssl.load_encoder('installed_tiny')).__name__)"
    )
    environment = dict(os.environ, PYTHONPATH=str(target))
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=elsewhere, env=environment,
        check=True, capture_output=True, text=True,
    )
    lines = result.stdout.splitlines()
    assert lines[0].startswith(str(target))
    assert lines[1:] == ["['installed_tiny']", "ConvNet"]
