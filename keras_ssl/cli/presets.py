"""`keras-ssl presets`: the table of shipped pretrained presets."""


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "presets",
        help="list the pretrained presets shipped with keras-ssl",
        description="Print a markdown table of the shipped presets: method, "
        "encoder, training data, headline metric (as measured by the preset's "
        "recipe on held-out data) and weights size. Load one with "
        "keras_ssl.load_encoder(NAME) or keras_ssl.<Method>.from_preset(NAME).",
    )
    parser.set_defaults(run=run)


def _value(value):
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def markdown_table(presets):
    """The `keras-ssl presets` table of `keras_ssl.list_presets()` rows."""
    lines = [
        "| preset | method | encoder | data | headline metric | weights (MB) |",
        "|---|---|---|---|---|---:|",
    ]
    for preset in presets:
        lines.append(
            f"| {preset['name']} | {preset['method']} | {preset['encoder']} "
            f"| {preset['data']} ({preset['split']}) "
            f"| {preset['headline_metric']} = {_value(preset['headline_value'])} "
            f"| {preset['weights_bytes'] / 1e6:.2f} |"
        )
    return "\n".join(lines)


def run(args):
    from keras_ssl.presets import registry

    presets = registry.list_presets()
    if not presets:
        places = ", ".join(registry.zoo_directories()) or "no zoo directory was found"
        print(f"No presets are installed (looked in: {places}).")
        return 0
    print(markdown_table(presets))
    return 0
