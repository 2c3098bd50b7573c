"""The finished studies (`benchmarks/studies/`, `zoo/studies/`) still run:
each imports what it needs from where it now lives and answers `--help`
without measuring or training anything. In this process (no subprocess
start, no second TensorFlow import), as `python SCRIPT --help` would."""

import os
import runpy
import sys

import keras
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STUDIES = [
    os.path.join(folder, name)
    for folder in ("benchmarks/studies", "zoo/studies")
    for name in sorted(os.listdir(os.path.join(ROOT, folder)))
    if name.endswith(".py")
]


def test_the_studies_left_the_benchmarks_and_the_recipes():
    assert len(STUDIES) == 8
    assert not [n for n in os.listdir(os.path.join(ROOT, "zoo/recipes")) if n.startswith("study_")]


@pytest.mark.parametrize("script", STUDIES)
def test_a_study_answers_help(script, monkeypatch, capsys):
    if script.endswith("jax_conv_profile.py"):
        pytest.importorskip("jax")
    path = os.path.join(ROOT, script)
    # What `python SCRIPT` gives it: its folder first on the path, and not
    # the folders of the modules it shares (other tests put benchmarks/ on
    # the path): the script must find them itself. The scripts' own path and
    # backend settings are undone after the test.
    shared = [os.path.join(ROOT, "benchmarks"), os.path.join(ROOT, "zoo", "recipes")]
    monkeypatch.setattr(sys, "path", [os.path.dirname(path)] + [
        p for p in sys.path if os.path.abspath(p or ".") not in shared
    ])
    for name, module in list(sys.modules.items()):
        if os.path.dirname(getattr(module, "__file__", None) or "") in shared:
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "argv", [path, "--help"])
    monkeypatch.setenv("KERAS_BACKEND", keras.backend.backend())
    with pytest.raises(SystemExit) as exit_:
        runpy.run_path(path, run_name="__main__")
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: {os.path.basename(path)}")
