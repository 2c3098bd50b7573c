"""Re-export every public name of a package's modules, found at import time.

A package whose `__init__` calls `export_modules` needs no hand-kept list:
adding a module (a method, a loss) with an `__all__` is enough for its
names to appear in the package.
"""

import importlib
import pkgutil
import types


def export_modules(package_name, package_path, namespace):
    """Import each module of a package; copy the names in its `__all__`.

    Args:
        package_name: str. The package (`__name__` in its `__init__`).
        package_path: list. Its `__path__`.
        namespace: dict. The package's `globals()`, which receives the names.

    Returns:
        The sorted list of names exported (for the package's `__all__`).

    Example:
    ```python
    # keras_ssl/losses/__init__.py
    __all__ = export_modules(__name__, __path__, globals())
    ```
    """
    exported = []
    for module_info in sorted(pkgutil.iter_modules(package_path), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package_name}.{module_info.name}")
        for name in getattr(module, "__all__", ()):
            known = namespace.get(name)
            # A submodule of the same name (losses.byol_loss) gives way to
            # its function, as a hand-written import would.
            if known is not None and not isinstance(known, types.ModuleType) and (
                known is not getattr(module, name)
            ):
                raise ImportError(
                    f"{package_name}: {name!r} is exported by two modules "
                    f"({module.__name__} and another); rename one."
                )
            namespace[name] = getattr(module, name)
            exported.append(name)
    return sorted(set(exported))
