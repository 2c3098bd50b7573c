"""The printed tables of whole_fit.py: the runs, and where the time after
the first epoch went. Figures a 1-epoch run does not have (its later
epochs', and the step time of a 1-step run) are None and print as n/a."""

BASELINES = ("reference", "lightly", "plain keras")


def percent(value):
    return "n/a" if value is None else f"{100 * value:+.1f}%"


def number(value, digits=0):
    return "n/a" if value is None else f"{value:.{digits}f}"


def markdown(results):
    # "vs reference" always; a column per other baseline that was run.
    shown = ["reference"] + [b for b in BASELINES[1:]
                             if any(r["mode"] == b for r in results)]
    lines = [
        "| row | backend | mode | data | epochs x images | whole fit (s) | images/s "
        "| steady step (ms) | fixed cost (s) | first epoch (s) "
        "| after epoch 1 vs steps | peak RSS (MB) | "
        + " | ".join(f"vs {b}" for b in shown) + " |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|" + "---|" * len(shown),
    ]
    for r in results:
        ratio = " | ".join(
            f"{r[key]:.2f}x" if key in r else ""
            for key in ("vs_" + b.replace(" ", "_") for b in shown)
        )
        lines.append(
            f"| {r['row']} | {r['backend']} | {r['mode']} | {r.get('data', '')} "
            f"| {r['epochs']} x {r['images']} "
            f"| {r['seconds']:.1f} | {r['images_per_s']:.0f} | {number(r['step_ms'])} "
            f"| {number(r['fixed_s'], 1)} | {r['first_epoch_s']:.1f} "
            f"| {percent(r['after_first_vs_steps'])} "
            f"| {number(r.get('peak_rss_mb'))} | {ratio} |"
        )
    return "\n".join(lines)


def breakdown(results):
    """Where each row's time after its first epoch went (run_figures)."""
    lines = [
        "| row | backend | mode | after epoch 1 vs steps | worst later epoch vs steps "
        "| steady step (ms) | mean step (ms) | epoch's first step (ms) | end of fit (s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['row']} | {r['backend']} | {r['mode']} "
            f"| {percent(r['after_first_vs_steps'])} "
            f"| {percent(r.get('worst_epoch_vs_steps'))} | {number(r['step_ms'])} "
            f"| {number(r['mean_step_ms'])} | {number(r['boundary_ms'])} "
            f"| {r['tail_s']:.2f} |"
        )
    return "\n".join(lines)
