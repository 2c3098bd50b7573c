"""`keras_ssl.presets` holds files and their checks, never model code.

Every import of every module under `keras_ssl/presets/` is read with `ast`
(those inside functions and classes too, and relative ones), so a lazy
import cannot hide a dependency on the methods, the encoders or the
loaders (which import the presets, so the other way round would be a
cycle).
"""

import ast
import os

import keras_ssl.presets

FORBIDDEN = ("keras_ssl.methods", "keras_ssl.encoders", "keras_ssl.loading")

# Modules of the package besides __init__.py.
MAX_MODULES = 5

PACKAGE_DIRECTORY = os.path.dirname(os.path.abspath(keras_ssl.presets.__file__))


def _modules():
    """`{path: dotted name of its package}` of every .py file in the package."""
    found = {}
    for root, directories, files in os.walk(PACKAGE_DIRECTORY):
        directories[:] = [name for name in directories if name != "__pycache__"]
        relative = os.path.relpath(root, PACKAGE_DIRECTORY)
        parts = ["keras_ssl", "presets"]
        if relative != os.curdir:
            parts += relative.split(os.sep)
        for name in files:
            if name.endswith(".py"):
                found[os.path.join(root, name)] = ".".join(parts)
    return found


def _imported_names(path, package):
    """Every module named by an import statement anywhere in `path`; for
    `from X import Y`, both `X` and `X.Y` (Y may be a submodule)."""
    with open(path, encoding="utf-8") as file:
        tree = ast.parse(file.read(), filename=path)
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # Relative to the package holding the file: `.` is it, `..`
                # its parent.
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            names.append(module)
            names += [f"{module}.{alias.name}" for alias in node.names]
    return names


def _is_forbidden(name):
    return any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)


def test_the_checker_sees_imports_inside_functions(tmp_path):
    path = tmp_path / "lazy.py"
    path.write_text(
        "def f():\n"
        "    from keras_ssl.methods import SimCLR\n"
        "class C:\n"
        "    def g(self):\n"
        "        import keras_ssl.encoders.convnet\n"
        "def h():\n"
        "    from keras_ssl import loading, version\n"
        "def i():\n"
        "    from .. import methods\n"
    )
    names = _imported_names(str(path), "keras_ssl.presets")
    forbidden = sorted({name for name in names if _is_forbidden(name)})
    assert forbidden == [
        "keras_ssl.encoders.convnet",
        "keras_ssl.loading",
        "keras_ssl.methods",
        "keras_ssl.methods.SimCLR",
    ]


def test_no_preset_module_imports_model_code_or_the_loaders():
    modules = _modules()
    assert os.path.join(PACKAGE_DIRECTORY, "__init__.py") in modules
    offending = {
        os.path.relpath(path, PACKAGE_DIRECTORY): sorted(
            name for name in _imported_names(path, package) if _is_forbidden(name)
        )
        for path, package in modules.items()
    }
    offending = {path: names for path, names in offending.items() if names}
    assert not offending, (
        f"keras_ssl/presets must not import {list(FORBIDDEN)} (not even "
        f"inside functions); found {offending}"
    )


def test_the_package_has_at_most_five_modules_besides_its_init():
    modules = sorted(
        os.path.relpath(path, PACKAGE_DIRECTORY)
        for path in _modules()
        if os.path.relpath(path, PACKAGE_DIRECTORY) != "__init__.py"
    )
    assert len(modules) <= MAX_MODULES, (
        f"keras_ssl/presets has {len(modules)} modules besides __init__.py "
        f"({modules}); merge them by responsibility into at most {MAX_MODULES}."
    )
