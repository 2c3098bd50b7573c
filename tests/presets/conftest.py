"""A tiny preset made once per session, and a fake zoo to list it from."""

import pytest

from keras_ssl.presets import registry
from keras_ssl.presets import save_preset
from tiny_preset import TINY_METADATA
from tiny_preset import TinyPreset
from tiny_preset import tiny_rotation_model


@pytest.fixture(scope="session")
def tiny_preset(tmp_path_factory):
    model = tiny_rotation_model()
    directory = str(tmp_path_factory.mktemp("presets") / "tiny_rotation")
    save_preset(model, directory, TINY_METADATA)
    return TinyPreset(directory, model)


@pytest.fixture
def fake_zoo(tmp_path, monkeypatch, tiny_preset):
    """A zoo holding the tiny preset as `alpha_tiny` and `beta_tiny`, plus
    entries that are not presets; it replaces the shipped zoo."""
    zoo = tmp_path / "zoo"
    zoo.mkdir()
    (zoo / "__init__.py").write_text("")
    (zoo / "recipes").mkdir()
    (zoo / "recipes" / "metadata.json").write_text("{}")
    (zoo / "notes").mkdir()
    (zoo / ".alpha_tiny.partial-0123").mkdir()
    for name in ("beta_tiny", "alpha_tiny"):
        tiny_preset.copy_to(zoo, name)
    monkeypatch.setattr(registry, "zoo_directories", lambda: [str(zoo)])
    return zoo
