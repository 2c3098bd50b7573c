"""Only `keras_ssl/backend/` asks which Keras backend is active.

Every other module is parsed with `ast` and may not call the backend query
(`keras.backend.backend()`, `keras.config.backend()`,
`keras.src.backend.backend()`), under any import alias. Code that behaves
differently per backend calls a function of `keras_ssl.backend`; a log line
or metadata that names the backend calls `keras_ssl.backend.backend_name()`.
"""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
ALLOWED = ROOT / "keras_ssl" / "backend"

#: Dotted names of the functions that return the active backend's name.
BACKEND_QUERIES = frozenset(
    {"keras.backend.backend", "keras.config.backend", "keras.src.backend.backend"}
)


def _dotted(node):
    """`a.b.c` of a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _aliases(tree):
    """`{local name: dotted name it stands for}` from the file's imports."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:  # `import keras.config` binds `keras`.
                    head = alias.name.split(".")[0]
                    aliases[head] = head
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def backend_queries(source):
    """Lines of `source` that call the backend query, however it is imported.

    Args:
        source: Python source text.

    Returns:
        Sorted list of `(line, what the call resolves to)`.
    """
    tree = ast.parse(source)
    aliases = _aliases(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        if name is None:
            continue
        head, _, rest = name.partition(".")
        resolved = aliases.get(head, head) + (f".{rest}" if rest else "")
        if resolved in BACKEND_QUERIES:
            found.append((node.lineno, resolved))
    return sorted(found)


def _checked_files():
    for path in sorted((ROOT / "keras_ssl").rglob("*.py")):
        if ALLOWED not in path.parents:
            yield path


def test_only_keras_ssl_backend_asks_for_the_backend():
    offenders = []
    for path in _checked_files():
        for line, name in backend_queries(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ROOT)}:{line}: {name}()")
    assert not offenders, (
        "Backend-specific code outside keras_ssl/backend/; move the branch "
        "into a function there, or call keras_ssl.backend.backend_name() "
        "for a log line or metadata:\n" + "\n".join(offenders)
    )


def test_the_walk_covers_the_package():
    files = list(_checked_files())
    assert len(files) > 50
    assert not any(ALLOWED in path.parents for path in files)


@pytest.mark.parametrize(
    "source",
    [
        "import keras\nkeras.backend.backend()",
        "import keras\nkeras.config.backend()",
        "import keras\nkeras.src.backend.backend()",
        "import keras.config\nkeras.config.backend()",
        "import keras as k\nk.backend.backend()",
        "from keras import backend as K\nK.backend()",
        "from keras import backend\nbackend.backend()",
        "from keras import config\nconfig.backend()",
        "from keras.config import backend\nbackend()",
        "from keras.config import backend as which\nwhich()",
        "import keras.config as c\nc.backend()",
        "from keras.backend import backend as b\nb()",
        "from keras.src import backend as B\nB.backend()",
        "import keras.src.backend as kb\nkb.backend()",
        "def f():\n    from keras.config import backend\n    return backend() == 'jax'",
    ],
)
def test_each_form_of_the_query_is_flagged(source):
    assert [line for line, _ in backend_queries(source)] == [
        source.count("\n") + 1
    ]


@pytest.mark.parametrize(
    "source",
    [
        "import keras\nkeras.backend.floatx()",
        "import keras\nkeras.config.floatx()",
        "from keras_ssl.backend import backend_name\nbackend_name()",
        "import keras\nname = keras.backend.backend",  # Not a call.
        "def backend():\n    pass\nbackend()",
    ],
)
def test_other_calls_pass(source):
    assert backend_queries(source) == []
