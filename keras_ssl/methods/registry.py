"""The method registry: one decorator names a method and makes it savable.

`@register_method("simclr")` on an `SSLModel` subclass registers it under
that name (what the CLI's `keras-ssl pretrain NAME`, the zoo's preset names
and the tests read) and as Keras-serializable under `keras_ssl>ClassName`,
so `keras.saving.load_model` rebuilds it without `custom_objects`.
"""

import keras

_METHODS = {}

#: The package of the Keras registered names: "keras_ssl>ClassName".
PACKAGE = "keras_ssl"


def register_method(name):
    """Class decorator: register an SSL method under `name`.

    Args:
        name: str. The method's short name: lowercase letters, digits and
            underscores (e.g. `"simclr"`); it prefixes its preset names.

    Returns:
        The decorator; it returns the class unchanged, with `method_name`
        set to `name`.

    Example:
    ```python
    @keras_ssl.methods.register_method("my_method")
    class MyMethod(keras_ssl.methods.JointEmbeddingModel):
        ...
    keras_ssl.list_methods()   # [..., "my_method", ...]
    ```
    """
    if not isinstance(name, str) or not name or not all(
        c.islower() or c.isdigit() or c == "_" for c in name
    ):
        raise ValueError(
            f"A method name is lowercase letters, digits and underscores "
            f"(e.g. 'simclr'); got {name!r}."
        )

    def decorator(cls):
        if not (isinstance(cls, type) and issubclass(cls, keras.Model)):
            raise TypeError(
                f"register_method({name!r}) decorates an SSLModel subclass; "
                f"got {cls!r}."
            )
        known = _METHODS.get(name)
        if known is not None and known.__qualname__ != cls.__qualname__:
            raise ValueError(
                f"The method name {name!r} is taken by {known.__name__}. "
                f"Pick another name, or unregister_method({name!r}) first."
            )
        cls = keras.saving.register_keras_serializable(package=PACKAGE)(cls)
        cls.method_name = name
        _METHODS[name] = cls
        return cls

    return decorator


def unregister_method(name):
    """Remove a registered method (and its Keras registration), e.g. one a
    test defined; unknown names raise `KeyError`."""
    cls = _METHODS.pop(name)
    keras.saving.get_custom_objects().pop(f"{PACKAGE}>{cls.__name__}", None)


def list_methods():
    """The registered method names, sorted.

    Example:
    ```python
    keras_ssl.list_methods()  # ['autoencoder', 'byol', 'mlm', 'rotation', 'simclr']
    ```
    """
    return sorted(_METHODS)


def get_method(name):
    """The class registered under `name`; unknown names raise a `ValueError`
    that lists the registered ones."""
    if name not in _METHODS:
        raise ValueError(
            f"Unknown method {name!r}. Registered methods: "
            f"{', '.join(list_methods())}."
        )
    return _METHODS[name]
