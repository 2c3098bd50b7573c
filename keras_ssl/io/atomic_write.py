"""Write files and directories so that a reader sees all of them or none.

Everything is first written under a hidden temporary name next to its
target (the same file system, so the final rename is atomic) and renamed
into place only once complete. A failure, an exception or Ctrl-C part way
leaves the target as it was: the previous version, or nothing.
"""

import contextlib
import os
import shutil
import uuid

# Marks the temporary names; readers (the preset registry, the download
# cache) skip entries whose name starts with a dot.
PARTIAL_TAG = "partial"


def is_local_path(path):
    """Whether `path` names a file on the local file system (not a URL,
    `gs://`, `hf://` or a file object)."""
    if not isinstance(path, (str, os.PathLike)):
        return False
    return "://" not in os.fspath(path)


def can_write_atomically(path, overwrite, suffixes):
    """Whether a Keras save to `path` can go through `atomic_file`: a local
    file with one of `suffixes`, to be created or overwritten (else Keras
    itself answers: its errors, its overwrite prompt, its remote writes)."""
    return (
        is_local_path(path)
        and os.fspath(path).endswith(tuple(suffixes))
        and (overwrite or not os.path.exists(path))
    )


def _temporary_sibling(path):
    directory, base = os.path.split(os.path.abspath(os.fspath(path)))
    # Keeps `base` as the suffix, so writers that check the extension
    # (`.keras`, `.weights.h5`) accept the temporary name.
    return os.path.join(directory, f".{uuid.uuid4().hex[:12]}.{PARTIAL_TAG}.{base}")


def _fsync(path):
    """Flush a file, or a directory entry, to disk (best effort)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return  # e.g. directories cannot be opened on Windows
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _fsync_tree(directory):
    for root, _, files in os.walk(directory):
        for name in files:
            _fsync(os.path.join(root, name))
        _fsync(root)


def _remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        os.remove(path)


@contextlib.contextmanager
def atomic_file(path):
    """Yield a temporary path to write; on success it replaces `path`.

    Args:
        path: str or `os.PathLike`. The file to write.

    Example:
    ```python
    with atomic_file("model.keras") as temporary_path:
        keras.saving.save_model(model, temporary_path)
    ```
    """
    target = os.path.abspath(os.fspath(path))
    temporary = _temporary_sibling(target)
    try:
        yield temporary
        if not os.path.isfile(temporary):
            raise FileNotFoundError(
                f"Nothing was written to the temporary file {temporary}; "
                f"{target} is unchanged."
            )
        _fsync(temporary)
        os.replace(temporary, target)
        _fsync(os.path.dirname(target))
    finally:
        _remove(temporary)


@contextlib.contextmanager
def scratch_directory(parent, label):
    """A new hidden directory in `parent`, deleted with its content on exit.

    Args:
        parent: str. Existing or new directory to hold it.
        label: str. Readable part of the name.
    """
    os.makedirs(parent, exist_ok=True)
    path = os.path.join(parent, f".{label}.{PARTIAL_TAG}-{uuid.uuid4().hex[:12]}")
    os.mkdir(path)  # not mkdtemp: keep the umask's permissions, not 0700
    try:
        yield path
    finally:
        _remove(path)


def publish_directory(source, target, overwrite=False):
    """Move the finished directory `source` to `target` by renaming it.

    `source` and `target` must be on the same file system. An existing
    `target` raises `FileExistsError` unless `overwrite`; with `overwrite`
    it is renamed aside, replaced, then deleted, so `target` is at every
    moment either the old directory or the new one.
    """
    _fsync_tree(source)
    if not os.path.lexists(target):
        try:
            os.rename(source, target)
        except OSError:
            if os.path.lexists(target):  # another writer got there first
                raise FileExistsError(f"{target} already exists.")
            raise
    elif not overwrite:
        raise FileExistsError(f"{target} already exists.")
    else:
        parent, base = os.path.split(target)
        old = os.path.join(parent, f".{base}.replaced-{uuid.uuid4().hex[:12]}")
        os.rename(target, old)
        try:
            os.rename(source, target)
        except BaseException:
            os.rename(old, target)
            raise
        _remove(old)
    _fsync(os.path.dirname(target))


@contextlib.contextmanager
def atomic_directory(path, overwrite=False):
    """Yield a temporary directory to fill; on success it becomes `path`.

    Args:
        path: str or `os.PathLike`. The directory to create.
        overwrite: bool. Replace an existing `path` (else `FileExistsError`,
            raised before anything is written).

    Example:
    ```python
    with atomic_directory("zoo/my_preset") as directory:
        model.save_weights(os.path.join(directory, "model.weights.h5"))
    ```
    """
    target = os.path.abspath(os.fspath(path))
    if os.path.lexists(target) and not overwrite:
        raise FileExistsError(f"{target} already exists.")
    parent, base = os.path.split(target)
    with scratch_directory(parent, base) as scratch:
        yield scratch
        publish_directory(scratch, target, overwrite=overwrite)
