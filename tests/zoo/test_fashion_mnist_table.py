"""README's Fashion-MNIST table is `examples/fashion_mnist_table.py`'s output,
and that output is up to date with the baselines' JSON files and the cards.

The script only gathers figures measured elsewhere (no model is built), so
the test regenerates the table and compares it line by line.
"""

import importlib.util
import os

from readme_text import ROOT
from readme_text import read
from readme_text import readme_section


def example():
    path = os.path.join(ROOT, "examples", "fashion_mnist_table.py")
    spec = importlib.util.spec_from_file_location("fashion_mnist_table", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_table_is_up_to_date_with_the_cards_and_baselines():
    table = example()
    rows = table.table_rows()
    generated = table.markdown(rows, table.supervised_line(table.supervised_record()))
    assert read("docs", "fashion_mnist", "table.md") == generated
    names = [name for name, _ in rows]
    assert names[0] == "raw pixels" and any("vicreg_convnet_fashion_mnist" in n for n in names)


def test_the_readme_rows_are_the_generated_table():
    section = readme_section("Fashion-MNIST benchmark")
    readme_rows = [line for line in section if line.startswith("|")]
    table_rows = [line for line in read("docs", "fashion_mnist", "table.md").splitlines()
                  if line.startswith("|")]
    assert readme_rows == table_rows
    assert "python examples/fashion_mnist_table.py" in " ".join(section)


def test_missing_figures_are_a_dash():
    table = example()
    text = table.markdown([("a", {"probe_accuracy_all": 0.5}),
                           ("b", {"probe_accuracy_all": 0.25, "knn_accuracy_all": 0.75})])
    assert text.splitlines()[2:] == ["| a | 50.0 | - |", "| b | 25.0 | 75.0 |"]
