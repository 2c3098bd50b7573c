"""README's clustering and puzzle table is the example's output, and its
preset rows are the cards' figures.

`python examples/clustering_presets.py` wrote docs/clustering_presets.md;
the README shows its table. Issue 31's mnist5k goal, that SwAV,
DeepCluster-v2 and jigsaw beat the random-init ConvNet with 10 labels per
class, is checked on those figures.
"""

import os

import pytest

from keras_ssl.presets.registry import list_presets

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUDGETS = ("1_per_class", "10_per_class", "100_per_class", "all")


def read(*path):
    with open(os.path.join(ROOT, *path), encoding="utf-8") as file:
        return file.read()


def table_rows(text):
    """`{first cell: [numbers]}` of the Markdown rows of `text`."""
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if line.startswith("| ") and cells[0] != "encoder":
            rows[cells[0]] = [float(cell) for cell in cells[1:]]
    return rows


def readme_section(title):
    lines = read("README.md").splitlines()
    start = lines.index(f"### {title}")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("#"))
    return "\n".join(lines[start + 1:end])


def test_readme_rows_are_the_example_output():
    section = readme_section("Clustering and puzzle presets")
    generated = read("docs", "clustering_presets.md")
    rows = [line for line in section.splitlines() if line.startswith("|")]
    assert len(rows) == 8 and "python examples/clustering_presets.py" in section
    assert [row for row in rows if row not in generated.splitlines()] == []


@pytest.mark.parametrize("preset", ["jigsaw_convnet_mnist5k", "swav_convnet_mnist5k",
                                    "deepcluster_v2_convnet_mnist5k", "rotation_convnet_mnist5k"])
def test_preset_rows_are_the_cards_figures(preset):
    metrics = next(p for p in list_presets() if p["name"] == preset)["metrics"]
    card = []
    for budget in BUDGETS:
        card += [100 * metrics[f"probe_accuracy_{budget}"], 100 * metrics[f"knn_accuracy_{budget}"]]
    row = table_rows(read("docs", "clustering_presets.md"))[f"`{preset}`"]
    assert row == pytest.approx(card, abs=0.051)


def test_each_new_preset_beats_random_init_with_10_labels_per_class():
    rows = table_rows(read("docs", "clustering_presets.md"))
    random_init = rows["random-init ConvNet"][2]
    for preset in ("jigsaw", "swav", "deepcluster_v2"):
        assert rows[f"`{preset}_convnet_mnist5k`"][2] > random_init, preset
