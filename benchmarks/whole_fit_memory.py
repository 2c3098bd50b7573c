"""The memory check of whole_fit.py (`--memory-check`): does pretraining stream?

Issue 30 item 7: pretraining on Fashion-MNIST's 60,000 training images must
stream, its memory flat over epochs (the peak RSS of a 3-epoch SimCLR fit
within 1.2x of a 1-epoch fit's), with no per-epoch stall (every later epoch
of the 3-epoch fit within 5% of its steps times the median step, as
whole_fit_runs.run_figures measures it).

For each row and backend, whole_fit.py's worker runs keras_ssl's `fit` of
a fresh model once for 1 epoch and once for `--epochs` E (3 by default),
each in a fresh process holding that one run. Each reports its peak RSS
counted from the start of the run (the images already loaded, the model not
yet built; rss.py), its RSS then and at each epoch's end, and its step
clock. The mode is what a user's pretraining runs by default on
TensorFlow, `end-to-end` (the raw uint8 images, the method's on-device
augmentation); `compute` (float pixels, no augmentation) elsewhere, since
JAX's augmented steps take seconds; `--memory-mode` chooses.
"""

import argparse

RSS_LIMIT = 1.2  # peak RSS of the E-epoch fit over the 1-epoch fit's
STALL_LIMIT = 0.05  # each later epoch's time over its steps x the median step, less 1


def memory_verdict(one_epoch_mb, many_epochs_mb, limit=RSS_LIMIT):
    """The peak RSS of the E-epoch fit against the 1-epoch fit's."""
    ratio = many_epochs_mb / one_epoch_mb
    return {"one_epoch_peak_rss_mb": one_epoch_mb, "peak_rss_mb": many_epochs_mb,
            "ratio": ratio, "limit": limit, "passed": bool(ratio <= limit)}


def stall_verdict(later_epochs_vs_steps, limit=STALL_LIMIT):
    """Every later epoch (the 2nd on) within `limit` of its steps times the
    median step. `passed` is None (not judged) when there is no later
    epoch, or no steady step time (None figures: an epoch of 1 step)."""
    later = list(later_epochs_vs_steps)
    if not later or any(x is None for x in later):
        return {"later_epochs_vs_steps": later, "worst": None, "limit": limit,
                "passed": None}
    worst = max(later)
    return {"later_epochs_vs_steps": later, "worst": worst, "limit": limit,
            "passed": bool(worst <= limit)}


def default_mode(backend):
    return "end-to-end" if backend == "tensorflow" else "compute"


def percent(value):
    return "n/a" if value is None else f"{100 * value:+.1f}%"


def number(value):
    return "n/a" if value is None else f"{value:.0f}"


def run_table(runs):
    lines = [
        "| epochs | whole fit (s) | images/s | steady step (ms) | RSS at start (MB) "
        "| peak RSS (MB) | RSS at each epoch's end (MB) | each later epoch vs steps |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        first = r["rounds"][0]
        at_ends = ", ".join(f"{mb:.0f}" for mb in first["epoch_rss_mb"])
        later = ", ".join(percent(x) for x in first["later_epochs_vs_steps"]) or "n/a"
        lines.append(
            f"| {r['epochs']} | {r['seconds']:.1f} | {r['images_per_s']:.0f} "
            f"| {number(r['step_ms'])} | {r['start_rss_mb']:.0f} | {r['peak_rss_mb']:.0f} "
            f"| {at_ends} | {later} |"
        )
    return "\n".join(lines)


def report(check):
    """The printed block of one check: its runs and the two verdicts."""
    one, many = check["runs"]
    memory, stall = check["memory"], check["stall"]
    verdict = {True: "pass", False: "FAIL",
               None: "not judged (no steady step time: epochs of 1 step?)"}
    return "\n".join([
        f"### {check['row']}, {check['backend']}, {check['mode']}: "
        f"{one['images']} {check['data']} images, batch {one['batch_size']}",
        "",
        run_table(check["runs"]),
        "",
        f"Peak RSS, {many['epochs']} epochs over 1: {memory['peak_rss_mb']:.0f} / "
        f"{memory['one_epoch_peak_rss_mb']:.0f} MB = {memory['ratio']:.3f}x "
        f"(limit {memory['limit']:.2f}x): {verdict[memory['passed']]}",
        f"Per-epoch stall, every later epoch of the {many['epochs']}-epoch fit within "
        f"{100 * stall['limit']:.0f}% of its steps x the median step: worst "
        f"{percent(stall['worst'])}: {verdict[stall['passed']]}",
    ])


def memory_check(args, backends, rows, run_worker):
    """Run the check of every row on every backend; (printed text, checks).

    `run_worker(backend, row, args, reference)` is whole_fit.py's: it runs
    one worker process and returns its RESULT dicts."""
    checks = []
    for row in rows:
        for backend in backends:
            mode = args.memory_mode or default_mode(backend)
            runs = []
            for epochs in (1, args.epochs):
                one = argparse.Namespace(**{
                    **vars(args), "epochs": epochs, "rounds": 1, "only_mode": mode,
                    "lightly_python": None, "plain_keras": False,
                })
                runs += [r for r in run_worker(backend, row, one, False) if r["mode"] == mode]
            if len(runs) != 2:
                continue  # a worker failed and said why
            checks.append({
                "row": row, "backend": backend, "mode": mode, "data": runs[0]["data"],
                "runs": runs,
                "memory": memory_verdict(runs[0]["peak_rss_mb"], runs[1]["peak_rss_mb"]),
                "stall": stall_verdict(runs[1]["rounds"][0]["later_epochs_vs_steps"]),
            })
    return "\n\n".join(report(check) for check in checks), checks
