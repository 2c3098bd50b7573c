"""The error every preset problem raises."""


class PresetError(ValueError):
    """A preset cannot be found, fetched, verified or loaded.

    A `ValueError`, so `except ValueError` (and the `keras-ssl` command
    line) handle it like any other bad argument. The message names the
    preset or file, what is wrong, and what to do about it.
    """
