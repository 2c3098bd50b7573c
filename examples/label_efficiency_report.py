"""Tables and plot of `examples/label_efficiency.py`'s results.

`results` is `{row label: rows}`, each row a dict of
`keras_ssl.evaluation.label_efficiency`'s output for one label budget.
"""


def is_baseline(name):
    """Rows drawn dashed in the plot: raw pixels, random init, supervised."""
    return name in ("raw pixels", "supervised from scratch") or name.startswith("random-init")


def draws_text(args):
    if args.draws == 1:
        return f"one draw, seed {args.seed}"
    return (
        f"seeds {args.seed} to {args.seed + args.draws - 1}; mean ± std over "
        f"{args.draws} draws, except for all labels"
    )


def cell(row, key):
    mean, std = 100 * row[key], 100 * row[f"{key}_std"]
    return f"{mean:.1f} ± {std:.1f}" if row["draws"] > 1 else f"{mean:.1f}"


def markdown(results, key, args, train_size):
    header = []
    for row in next(iter(results.values())):
        budget = row["labels_per_class"]
        if budget == "all":
            header.append(f"all ({train_size // 10} / class)")
        else:
            header.append(f"{budget} / class")
    lines = [
        "| encoder | " + " | ".join(header) + " |",
        "|---|" + "---:|" * len(header),
    ]
    for name, rows in results.items():
        if key in rows[0]:
            lines.append(f"| {name} | " + " | ".join(cell(row, key) for row in rows) + " |")
    return "\n".join(lines)


def plot(results, path, train_size):
    """Probe accuracy by budget, and fine-tuned accuracy in a second panel."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    def budget(row):
        return train_size // 10 if row["labels_per_class"] == "all" else row["labels_per_class"]

    panels = [("probe_accuracy", "linear probe on frozen encoders vs. supervised")]
    if any("fine_tune_accuracy" in rows[0] for rows in results.values()):
        panels.append(("fine_tune_accuracy", "fine-tuned encoders"))
    figure, axes = pyplot.subplots(1, len(panels), figsize=(6 * len(panels) + 3.5, 5), squeeze=False)
    ticks = sorted({budget(r) for rows in results.values() for r in rows})
    # One colour per row, the same in both panels (tab20 has 20).
    colours = dict(zip(results, pyplot.get_cmap("tab20").colors * 2))
    for axis, (key, title) in zip(axes[0], panels):
        for name, rows in results.items():
            if key in rows[0]:
                axis.errorbar(
                    [budget(r) for r in rows], [100 * r[key] for r in rows],
                    yerr=[100 * r[f"{key}_std"] for r in rows], capsize=3,
                    marker="s" if "vit" in name.lower() else "o",
                    linestyle="--" if is_baseline(name) else "-", label=name,
                    color=colours[name],
                )
        axis.set_xscale("log")
        axis.set_xticks(ticks, [f"all ({t})" if t == train_size // 10 else str(t) for t in ticks])
        axis.minorticks_off()
        axis.set_xlabel("labels per class (log scale)")
        axis.set_ylabel("test accuracy (%)")
        axis.set_title(f"mnist5k: {title}")
        axis.grid(True, which="both", alpha=0.3)
    # One legend for both panels, outside them: every row is in the first.
    handles, labels = axes[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="center right", fontsize=7,
                  title="dashed: baselines; squares: ViT", title_fontsize=7)
    figure.tight_layout(rect=(0, 0, 1 - 3.4 / (6 * len(panels) + 3.5), 1))
    figure.savefig(path, dpi=120)
