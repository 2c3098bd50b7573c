"""The repository's text files, for the tests that check README tables."""

import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(*path):
    """The text of a file, by its path parts under the repository root."""
    with open(os.path.join(ROOT, *path), encoding="utf-8") as file:
        return file.read()


def readme_section(title):
    """The README's lines from the `### {title}` heading to the next heading."""
    lines = read("README.md").splitlines()
    start = lines.index(f"### {title}")
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith("#")), len(lines)
    )
    return lines[start + 1:end]
