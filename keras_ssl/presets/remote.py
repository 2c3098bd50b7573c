"""Presets from http(s) URLs: downloaded once into the Keras cache, verified.

A URL names a `.tar.gz`, `.tar` or `.zip` archive of a preset directory
(its files at the archive's top level, or inside one directory). Pin the
archive's sha256 with a URL fragment, as pip does:

    https://example.org/simclr_convnet_mnist5k.tar.gz#sha256=9f86d0...

The archive is downloaded with `keras.utils.get_file` into a hidden scratch
directory of the cache, checked against the pinned hash (if any), unpacked
there, and the preset inside is verified (its weights' sha256 against its
metadata.json). Only then is it renamed into the cache as
`$KERAS_HOME/keras_ssl/presets/<archive name>-<hash>/` (`KERAS_HOME`
defaults to `~/.keras`). Any failure (connection, truncated body, wrong
hash, bad archive, bad preset) deletes the scratch directory, so the cache
never holds a partial or unverified preset; later loads of the same URL
use the cached directory without a request (and verify it again).

`keras.utils.get_file` alone would not do: it writes straight to the final
name, keeps a file whose hash did not match, and unpacks in place.
"""

import hashlib
import os
import re
import urllib.parse
import warnings

import keras

from keras_ssl.io.atomic_write import publish_directory
from keras_ssl.io.atomic_write import scratch_directory
from keras_ssl.presets.preset_files import METADATA_FILE
from keras_ssl.presets.preset_files import PRESET_FILES
from keras_ssl.presets.preset_files import file_sha256
from keras_ssl.presets.preset_files import read_preset
from keras_ssl.presets.preset_metadata import PresetError

URL_SCHEMES = ("http", "https")

# Name of the downloaded archive inside the scratch directory; get_file
# unpacks "preset.archive" into "preset_extracted" next to it.
_ARCHIVE_NAME = "preset.archive"

_SHA256 = re.compile(r"[0-9a-f]{64}")


def is_url(preset):
    """Whether `preset` is an http(s) URL (not a name or a path)."""
    return isinstance(preset, str) and preset.lower().startswith(
        tuple(f"{scheme}://" for scheme in URL_SCHEMES)
    )


def cache_directory():
    """Where URL presets are cached: `$KERAS_HOME/keras_ssl/presets`."""
    home = os.environ.get("KERAS_HOME") or os.path.join("~", ".keras")
    return os.path.join(os.path.expanduser(home), "keras_ssl", "presets")


def split_url(url):
    """`(origin, sha256 or None)` from a URL with an optional
    `#sha256=HEX` fragment."""
    origin, fragment = urllib.parse.urldefrag(url)
    if not fragment:
        return origin, None
    key, _, value = fragment.partition("=")
    value = value.lower()
    if key != "sha256" or not _SHA256.fullmatch(value):
        raise PresetError(
            f"The URL fragment #{fragment} of {url} is not understood. The "
            f"only fragment accepted is #sha256=<64 hex digits>, the sha256 "
            f"of the archive (e.g. from `sha256sum ARCHIVE`)."
        )
    return origin, value


def cache_entry(origin, sha256):
    """The cache directory of a URL: `<archive name>-<16 hex digits>`, keyed
    by the pinned hash, or by the URL when none is pinned."""
    stem = os.path.basename(urllib.parse.urlsplit(origin).path)
    stem = re.sub(r"(\.tar\.gz|\.tgz|\.tar|\.zip)$", "", stem)
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", stem).strip("._") or "preset"
    key = sha256 or hashlib.sha256(origin.encode("utf-8")).hexdigest()
    return os.path.join(cache_directory(), f"{stem[:64]}-{key[:16]}")


def cached_remedy(entry):
    return f"Delete {entry} to download the preset again."


def _download(origin, sha256, scratch):
    """Download and unpack the archive into `scratch`; returns the folder it
    was unpacked into."""
    with warnings.catch_warnings():
        # Raised below as a PresetError, with the URL.
        warnings.filterwarnings("ignore", message="Could not extract archive")
        try:
            unpacked = keras.utils.get_file(
                fname=_ARCHIVE_NAME,
                origin=origin,
                file_hash=sha256,
                hash_algorithm="sha256",
                cache_dir=scratch,
                cache_subdir="download",
                extract=True,
            )
        except Exception as error:
            archive = os.path.join(scratch, "download", _ARCHIVE_NAME)
            if sha256 is not None and os.path.isfile(archive):
                actual = file_sha256(archive)
                if actual != sha256:
                    raise PresetError(
                        f"The archive downloaded from {origin} failed "
                        f"verification: the URL pins sha256 {sha256}, the "
                        f"download has sha256 {actual} "
                        f"({os.path.getsize(archive)} bytes). It is corrupt, "
                        f"truncated or not the archive you meant; nothing was "
                        f"cached. Check the URL and its #sha256=, then retry."
                    ) from error
            raise PresetError(
                f"Could not download and unpack the preset archive {origin}: "
                f"{error}. Nothing was cached; check the URL and your "
                f"connection, then retry."
            ) from error
    if not os.path.isdir(unpacked):
        raise PresetError(
            f"{origin} is not a .tar.gz, .tar or .zip archive, so it cannot "
            f"be a preset; nothing was cached."
        )
    return unpacked


def _preset_root(unpacked, origin):
    """The preset directory inside an unpacked archive."""
    if os.path.isfile(os.path.join(unpacked, METADATA_FILE)):
        return unpacked
    entries = [name for name in os.listdir(unpacked) if not name.startswith(".")]
    if len(entries) == 1:
        inner = os.path.join(unpacked, entries[0])
        if os.path.isfile(os.path.join(inner, METADATA_FILE)):
            return inner
    raise PresetError(
        f"The archive {origin} holds {sorted(entries)}, not a preset: it must "
        f"hold {list(PRESET_FILES)}, at its top level or inside one "
        f"directory. Nothing was cached."
    )


def fetch_preset(url):
    """The local, verified directory of the preset at `url`.

    Downloads and caches it on first use (see the module docstring); later
    calls return the cached directory without a request.

    Args:
        url: str. `http(s)://.../NAME.tar.gz`, optionally ending in
            `#sha256=<sha256 of the archive>`.

    Returns:
        `(directory, remedy)`: the cached preset directory, and what to do
        if it later fails verification.
    """
    origin, sha256 = split_url(url)
    entry = cache_entry(origin, sha256)
    remedy = cached_remedy(entry)
    if os.path.isdir(entry):
        return entry, remedy
    with scratch_directory(os.path.dirname(entry), os.path.basename(entry)) as scratch:
        root = _preset_root(_download(origin, sha256, scratch), origin)
        read_preset(root, remedy=f"It came from {origin}; nothing was cached.")
        try:
            publish_directory(root, entry)
        except FileExistsError:
            pass  # another process cached the same URL meanwhile
    return entry, remedy
