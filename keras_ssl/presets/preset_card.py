"""A preset's default card (README.md), written from its metadata."""


def _number(value):
    return f"{value:.4g}" if isinstance(value, float) else str(value)


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
        f"| model.weights.h5 | {metadata['weights_bytes']:,} bytes, sha256 "
        f"`{metadata['weights_sha256']}` |",
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
    lines += [
        "",
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
