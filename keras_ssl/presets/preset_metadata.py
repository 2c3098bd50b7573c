"""What `metadata.json` of a preset holds, and its checks.

A preset's metadata has two kinds of keys:

- given by whoever trains it (a recipe), passed to `save_preset`:
  `data`, `split`, `epochs`, `batch_size`, `seed`, `metrics` (name ->
  number, measured on held-out data) and `headline_metric` (the key of
  `metrics` that `list_presets` shows); optionally `description` and any
  other JSON-serializable keys (hardware, run time, optimizer, ...).
- derived by `save_preset` from the model, the files and the environment:
  see `DERIVED_KEYS`.
"""

import json
import math
import numbers

from keras_ssl.presets.preset_error import PresetError

# Version of the preset directory layout; a reader refuses newer ones.
FORMAT_VERSION = 1

_INT = "int"
_OPTIONAL_INT = "int or null"
_STR = "str"
_METRICS = "object of metric name -> finite number"

# Keys the trainer gives, with their JSON types.
GIVEN_KEYS = {
    "data": _STR,
    "split": _STR,
    "epochs": _INT,
    "batch_size": _INT,
    "seed": _OPTIONAL_INT,
    "metrics": _METRICS,
    "headline_metric": _STR,
}

# Keys `save_preset` fills in; a trainer may not set them.
DERIVED_KEYS = {
    "format_version": _INT,
    "name": _STR,
    "method": _STR,
    "encoder": _STR,
    "parameters": _INT,
    "encoder_parameters": _INT,
    "keras_version": _STR,
    "keras_ssl_version": _STR,
    "backend": _STR,
    "weights_sha256": _STR,
    "weights_bytes": _INT,
}

_HEX = frozenset("0123456789abcdef")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _type_ok(value, kind):
    if kind == _INT:
        return _is_int(value)
    if kind == _OPTIONAL_INT:
        return value is None or _is_int(value)
    if kind == _STR:
        return isinstance(value, str) and bool(value)
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(k, str) and _is_number(v) for k, v in value.items())
    )


def metadata_problems(metadata, keys):
    """Problems of `metadata` against the `keys` schema, as sentences."""
    if not isinstance(metadata, dict):
        return [f"it must be a JSON object, not {type(metadata).__name__}"]
    problems = []
    missing = sorted(key for key in keys if key not in metadata)
    if missing:
        problems.append(f"missing keys {missing}")
    for key, kind in keys.items():
        if key in metadata and not _type_ok(metadata[key], kind):
            problems.append(f"{key!r} must be {kind}, got {metadata[key]!r}")
    headline = metadata.get("headline_metric")
    metrics = metadata.get("metrics")
    if isinstance(headline, str) and isinstance(metrics, dict):
        if headline not in metrics:
            problems.append(
                f"headline_metric {headline!r} is not one of the metrics "
                f"{sorted(metrics)}"
            )
    digest = metadata.get("weights_sha256")
    if "weights_sha256" in keys and isinstance(digest, str):
        if len(digest) != 64 or not set(digest) <= _HEX:
            problems.append(
                f"weights_sha256 must be 64 lowercase hex digits, got {digest!r}"
            )
    return problems


def _plain_numbers(metadata):
    """A copy with numpy scalars (e.g. a measured accuracy) made Python
    numbers, so they pass the checks and serialize to JSON."""
    plain = dict(metadata)
    for key, kind in GIVEN_KEYS.items():
        value = plain.get(key)
        if kind in (_INT, _OPTIONAL_INT) and isinstance(value, numbers.Integral):
            if not isinstance(value, bool):
                plain[key] = int(value)
    metrics = plain.get("metrics")
    if isinstance(metrics, dict):
        plain["metrics"] = {
            name: float(value)
            if isinstance(value, numbers.Real) and not isinstance(value, bool)
            else value
            for name, value in metrics.items()
        }
    return plain


def check_given_metadata(metadata):
    """Check what a trainer passes to `save_preset`; returns a copy."""
    if isinstance(metadata, dict):
        metadata = _plain_numbers(metadata)
    problems = metadata_problems(metadata, GIVEN_KEYS)
    if isinstance(metadata, dict):
        derived = sorted(key for key in metadata if key in DERIVED_KEYS)
        if derived:
            problems.append(
                f"keys {derived} are derived by save_preset from the model and "
                f"its files; leave them out"
            )
        try:
            json.dumps(metadata, allow_nan=False)
        except (TypeError, ValueError) as error:
            problems.append(f"it must be plain JSON values ({error})")
    if problems:
        raise ValueError(
            "save_preset: bad metadata: " + "; ".join(problems) + ". It needs "
            + ", ".join(f"{key} ({kind})" for key, kind in GIVEN_KEYS.items())
            + "."
        )
    return metadata


def check_stored_metadata(metadata, path, remedy):
    """Check a `metadata.json` read from a preset; raise `PresetError`."""
    if isinstance(metadata, dict):
        version = metadata.get("format_version")
        if _is_int(version) and version > FORMAT_VERSION:
            raise PresetError(
                f"{path} has preset format {version}; this keras_ssl reads "
                f"format {FORMAT_VERSION} and older. Upgrade keras-ssl."
            )
    problems = metadata_problems(metadata, {**GIVEN_KEYS, **DERIVED_KEYS})
    if problems:
        raise PresetError(
            f"{path} is malformed: " + "; ".join(problems) + f". {remedy}"
        )
