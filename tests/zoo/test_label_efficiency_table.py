"""README's label-efficiency figures are the example's own output.

`python examples/label_efficiency.py` writes docs/label_efficiency.md; the
README shows its probe and fine-tuned tables. Every README table row must be
a row of that file, and the README must name the command that wrote it, so a
hand edit or a stale copy fails here.
"""

import re

from readme_text import read
from readme_text import readme_section


def test_readme_tables_are_rows_of_the_example_output():
    section = readme_section("Label efficiency")
    rows = [line for line in section if line.startswith("|")]
    generated = set(read("docs", "label_efficiency.md").splitlines())
    assert len(rows) > 10, "README's label-efficiency section has no tables"
    stale = [row for row in rows if row not in generated]
    assert not stale, (
        "README rows not in docs/label_efficiency.md (copy the tables from "
        f"`python examples/label_efficiency.py`'s output): {stale}"
    )
    # Both tables of the example: the linear probe and the fine-tuned one.
    assert sum(row.startswith("| encoder |") for row in rows) == 2


def command_flags(text):
    """`{flag: value}` of the first `python examples/label_efficiency.py` in text."""
    command = re.search(r"python examples/label_efficiency\.py[^`]*", text).group(0)
    flags, words = {}, command.split()[2:]
    for i, word in enumerate(words):
        if word.startswith("--"):
            following = words[i + 1] if i + 1 < len(words) else "--"
            flags[word] = True if following.startswith("--") else following
    return flags


def test_readme_names_the_command_that_made_the_tables():
    readme = command_flags(" ".join(readme_section("Label efficiency")))
    generated = command_flags(read("docs", "label_efficiency.md"))
    assert "--fine-tune" in readme
    differing = {flag: value for flag, value in readme.items() if generated.get(flag) != value}
    assert not differing, f"README's command differs from the run's: {differing}"
