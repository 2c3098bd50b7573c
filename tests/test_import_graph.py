"""keras_ssl has no import cycles, lazy (function-level) imports included.

The graph is read from the source with `ast`, without importing anything:
one node per module (a package's `__init__.py` is the node of the package),
and an edge for every `import` or `from ... import` of a keras_ssl module,
wherever it sits in the file. Relative imports are resolved; `from
keras_ssl.a import b` reaches `keras_ssl.a.b` too when `b` is a submodule;
importing `keras_ssl.a.b` also runs `keras_ssl/a/__init__.py`, so the edge
goes to every parent package as well, except the importing module's own
ancestors (Python has already started running those before the module) --
unless the import reads names from that package (`from keras_ssl.a import
SomeClass` inside `keras_ssl/a/b.py` needs `keras_ssl/a/__init__.py` done).
"""

import ast
import pathlib

import pytest

PACKAGE = "keras_ssl"
ROOT = pathlib.Path(__file__).resolve().parents[1]


def module_name(path, root=ROOT):
    """`keras_ssl/a/b.py` -> `keras_ssl.a.b`; `keras_ssl/a/__init__.py` ->
    `keras_ssl.a`."""
    parts = list(pathlib.Path(path).relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_sources(root=ROOT, package=PACKAGE):
    """`{module name: (source, is_package)}` of every module of `package`."""
    sources = {}
    for path in sorted((root / package).rglob("*.py")):
        sources[module_name(path, root)] = (
            path.read_text(encoding="utf-8"),
            path.name == "__init__.py",
        )
    return sources


def _ancestors(name):
    """`keras_ssl.a.b` -> `["keras_ssl", "keras_ssl.a"]`."""
    parts = name.split(".")
    return [".".join(parts[:index]) for index in range(1, len(parts))]


def _resolve(node, importer, is_package):
    """The absolute module a `from ... import` names (relative resolved)."""
    if not node.level:
        return node.module
    package = importer if is_package else importer.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def imported_modules(source, importer, is_package, modules):
    """`{module: line}` of the modules in `modules` that `source` imports.

    Args:
        source: the importing module's source text.
        importer: its dotted name.
        is_package: whether it is a package `__init__`.
        modules: the names of all modules of the package (the graph's nodes).
    """
    found = {}
    own = set(_ancestors(importer)) | {importer}

    def add(name, line, explicit=True):
        # Running `a.b.c` first runs `a` and `a.b`, unless they are already
        # running because they contain the importer.
        implicit = _ancestors(name) + ([] if explicit else [name])
        if explicit and name in modules and name != importer:
            found.setdefault(name, line)
        for parent in implicit:
            if parent in modules and parent not in own:
                found.setdefault(parent, line)

    nodes = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.Import, ast.ImportFrom))
    ]
    for node in sorted(nodes, key=lambda node: node.lineno):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node, importer, is_package)
            submodules = [
                f"{base}.{alias.name}"
                for alias in node.names
                if f"{base}.{alias.name}" in modules
            ]
            # `from a import b` needs `a`'s namespace unless every `b` is a
            # submodule; then `a` only runs first, like any parent.
            add(base, node.lineno, explicit=len(submodules) < len(node.names))
            for submodule in submodules:
                add(submodule, node.lineno)
    return found


def import_graph(sources):
    """`{module: {imported module: line}}` of `{module: (source, is_package)}`."""
    modules = set(sources)
    return {
        name: imported_modules(source, name, is_package, modules)
        for name, (source, is_package) in sources.items()
    }


def find_cycles(graph):
    """One cycle (a list of nodes, first repeated last) per strongly connected
    component of `graph` (`{node: iterable of successors}`) that has one."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def connect(node):  # Tarjan's algorithm.
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in graph.get(node, ()):
            if successor not in index:
                connect(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_cycle_in(graph, component) for component in components]


def _cycle_in(graph, component):
    """A cycle through the smallest node of a strongly connected component."""
    start = min(component)
    paths, frontier = {start: [start]}, [start]
    while frontier:  # Breadth first: the shortest way back to `start`.
        next_frontier = []
        for node in frontier:
            for successor in sorted(graph.get(node, ())):
                if successor == start:
                    return paths[node] + [start]
                if successor in component and successor not in paths:
                    paths[successor] = paths[node] + [successor]
                    next_frontier.append(successor)
        frontier = next_frontier
    raise AssertionError(f"{sorted(component)} is not strongly connected")


def format_cycle(cycle, graph):
    """`a (line 3) -> b (line 7) -> a`: each step with its import's line."""
    steps = [
        f"{node} (line {graph[node][successor]})"
        for node, successor in zip(cycle, cycle[1:])
    ]
    return " -> ".join(steps + [cycle[-1]])


def test_keras_ssl_has_no_import_cycles():
    graph = import_graph(package_sources())
    assert len(graph) > 50  # The walk found the package.
    cycles = find_cycles(graph)
    assert not cycles, "Import cycles in keras_ssl:\n" + "\n".join(
        format_cycle(cycle, graph) for cycle in cycles
    )


def test_every_keras_ssl_import_names_an_existing_module():
    sources = package_sources()
    missing = []
    for importer, (source, is_package) in sources.items():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [_resolve(node, importer, is_package)]
            else:
                continue
            for name in names:
                if name.split(".")[0] == PACKAGE and name not in sources:
                    missing.append(f"{importer} line {node.lineno}: {name}")
    assert not missing, "Imports of missing modules:\n" + "\n".join(missing)


def test_cycle_finder_finds_a_cycle_and_its_imports():
    sources = {
        "pkg": ("from pkg import a\n", True),
        "pkg.a": ("def f():\n    from . import b\n", False),
        "pkg.b": ("import pkg.sub.c\n", False),
        "pkg.sub": ("from .c import thing\n", True),
        "pkg.sub.c": ("from ..a import f\n", False),
        "pkg.d": ("import pkg.b\n", False),
    }
    graph = import_graph(sources)
    assert graph["pkg.a"] == {"pkg.b": 2}  # Function level, relative.
    assert graph["pkg.b"] == {"pkg.sub.c": 1, "pkg.sub": 1}  # With parent.
    assert graph["pkg.sub.c"] == {"pkg.a": 1}  # Not its own package `pkg.sub`.
    cycles = find_cycles(graph)
    assert cycles == [["pkg.a", "pkg.b", "pkg.sub.c", "pkg.a"]]
    assert format_cycle(cycles[0], graph).startswith("pkg.a (line 2) -> pkg.b")


def test_cycle_finder_passes_a_graph_without_cycles():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    assert find_cycles({"a": {"a"}}) == [["a", "a"]]


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from keras_ssl.pkg import sub", {"keras_ssl.pkg", "keras_ssl.pkg.sub"}),
        ("from keras_ssl.pkg import name", {"keras_ssl.pkg"}),
        ("import keras_ssl.pkg.sub as s", {"keras_ssl.pkg", "keras_ssl.pkg.sub"}),
        ("from .pkg.sub import name", {"keras_ssl.pkg", "keras_ssl.pkg.sub"}),
        ("import numpy", set()),
    ],
)
def test_imported_modules_resolves_each_form(source, expected):
    modules = {"keras_ssl", "keras_ssl.pkg", "keras_ssl.pkg.sub", "keras_ssl.mod"}
    assert set(imported_modules(source, "keras_ssl.mod", False, modules)) == expected


def test_own_package_counts_only_when_its_names_are_read():
    modules = {"keras_ssl", "keras_ssl.pkg", "keras_ssl.pkg.sub", "keras_ssl.pkg.other"}
    reads = imported_modules("from keras_ssl.pkg import Name", "keras_ssl.pkg.sub", False, modules)
    assert set(reads) == {"keras_ssl.pkg"}  # Needs pkg/__init__ to have run.
    sibling = imported_modules("from . import other", "keras_ssl.pkg.sub", False, modules)
    assert set(sibling) == {"keras_ssl.pkg.other"}
