"""A preset's `metadata.json`: its schema, its checks, the card made from it,
and `PresetError`, the error every preset problem raises.

A preset's metadata has two kinds of keys:

- given by whoever trains it (a recipe), passed to `save_preset`:
  `data`, `split`, `epochs`, `batch_size`, `seed`, `metrics` (name ->
  number, measured on held-out data) and `headline_metric` (the key of
  `metrics` that `list_presets` shows); optionally `description` and any
  other JSON-serializable keys (hardware, run time, optimizer, ...).
- derived by `save_preset` from the model, the files and the environment:
  see `DERIVED_KEYS`, and `OPTIONAL_DERIVED_KEYS` (absent from presets saved
  before they existed: such weights are float32).

A preset's default card (README.md) is written from its complete metadata
by `default_card`, so every figure on it is one the recipe measured.
"""

import json
import math
import numbers


class PresetError(ValueError):
    """A preset cannot be found, fetched, verified or loaded.

    A `ValueError`, so `except ValueError` (and the `keras-ssl` command
    line) handle it like any other bad argument. The message names the
    preset or file, what is wrong, and what to do about it.
    """


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

#: The dtypes a preset's floating weights may be stored in; loading casts
#: them to each variable's own dtype (float32 in keras_ssl's models).
WEIGHTS_DTYPES = ("float32", "float16", "bfloat16")

_CHECK = "object with 'metrics' and 'command'"

# Derived keys checked where present: the weights' stored dtype; the figures
# recomputed from converted weights (see `stored_weights_section`).
OPTIONAL_DERIVED_KEYS = {"weights_dtype": _STR, "weights_check": _CHECK}

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
    if kind == _CHECK:
        return (
            isinstance(value, dict)
            and _type_ok(value.get("metrics"), _METRICS)
            and isinstance(value.get("command"), str)
        )
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
    optional = OPTIONAL_DERIVED_KEYS if "weights_sha256" in keys else {}
    for key, kind in {**keys, **optional}.items():
        if key in metadata and not _type_ok(metadata[key], kind):
            problems.append(f"{key!r} must be {kind}, got {metadata[key]!r}")
    dtype = metadata.get("weights_dtype", "float32")
    if optional and isinstance(dtype, str) and dtype not in WEIGHTS_DTYPES:
        problems.append(
            f"weights_dtype must be one of {list(WEIGHTS_DTYPES)}, got {dtype!r}"
        )
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
        derived = sorted(
            key for key in metadata
            if key in DERIVED_KEYS or key in OPTIONAL_DERIVED_KEYS
        )
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


def _number(value):
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def stored_weights_section(metadata):
    """The card's "Stored weights" lines (none unless the weights were
    converted): the stored dtype and the figures recomputed from it."""
    check, dtype = metadata.get("weights_check"), metadata.get("weights_dtype")
    if not check:
        return []
    lines = [
        "## Stored weights", "",
        f"model.weights.h5 holds the weights in {dtype} "
        f"({metadata['weights_bytes']:,} bytes; float32: "
        f"{check['float32_weights_bytes']:,} bytes, sha256 "
        f"`{check['float32_weights_sha256']}`); loading casts them to the "
        f"model's float32 variables. The figures above are the float32 ones; "
        f"recomputed from the stored weights they change by at most "
        f"{check['max_change_points']:.2f} points (the zoo allows 0.2, "
        f"zoo/README.md):", "",
        f"| metric | float32 | {dtype} | change (points) |", "|---|---:|---:|---:|",
    ]
    for metric, value in check["metrics"].items():
        before = metadata["metrics"][metric]
        lines.append(
            f"| {metric} | {_number(before)} | {_number(value)} | "
            f"{100 * (value - before):+.2f} |"
        )
    return lines + ["", f"Measured with `{check['command']}`.", ""]


def default_card(metadata):
    """Markdown card of a preset: what it is, how it was made, its metrics.

    Every figure comes from `metadata` (a complete `metadata.json`), so the
    card says exactly what the recipe measured.
    """
    name = metadata["name"]
    lines = [f"# {name}", ""]
    if metadata.get("description"):
        lines += [metadata["description"], ""]
    lines += [
        "| | |",
        "|---|---|",
        f"| method | {metadata['method']} |",
        f"| encoder | {metadata['encoder']} ({metadata['encoder_parameters']:,} "
        f"weights; {metadata['parameters']:,} in the whole model) |",
        f"| training data | {metadata['data']} |",
        f"| split | {metadata['split']} |",
        f"| epochs / batch size / seed | {metadata['epochs']} / "
        f"{metadata['batch_size']} / {metadata['seed']} |",
        f"| made with | keras {metadata['keras_version']}, keras_ssl "
        f"{metadata['keras_ssl_version']}, {metadata['backend']} backend |",
        f"| model.weights.h5 | {metadata['weights_bytes']:,} bytes"
        + (f", {metadata['weights_dtype']}" if "weights_dtype" in metadata else "")
        + f", sha256 `{metadata['weights_sha256']}` |",
    ]
    if metadata.get("recipe"):
        lines.append(f"| made by | `{metadata['recipe']}` |")
    if metadata.get("train_seconds") is not None:
        where = f" on {metadata['hardware']}" if metadata.get("hardware") else ""
        lines.append(f"| training time | {metadata['train_seconds']:,} s{where} |")
    if metadata.get("evaluation"):
        lines.append(f"| evaluation | {metadata['evaluation']} |")
    lines += [
        "",
        "## Metrics",
        "",
        "| metric | value |",
        "|---|---:|",
    ]
    for metric, value in metadata["metrics"].items():
        marker = " (headline)" if metric == metadata["headline_metric"] else ""
        lines.append(f"| {metric}{marker} | {_number(value)} |")
    lines += [""] + stored_weights_section(metadata)
    lines += [
        "## Use",
        "",
        "```python",
        "import keras_ssl",
        "",
        f'encoder = keras_ssl.load_encoder("{name}")  # a plain keras.Model',
        f'model = keras_ssl.{metadata["method"]}.from_preset("{name}")  '
        f"# to keep pretraining",
        "```",
        "",
    ]
    return "\n".join(lines)
