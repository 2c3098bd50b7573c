"""Resident memory (RSS) of this process, in MB, for whole_fit.py's runs.

Standard library only: reference_pytorch_fit.py and lightly_fit.py import
it in their own virtualenvs. On Linux a run's peak is Linux's high-water
mark `VmHWM`, which `reset_peak()` sets back to the current RSS (writing 5
to /proc/self/clear_refs), so a process serving several runs reports each
run's own peak; where that is not allowed (or not Linux), the peak is the
process's since it started (`ru_maxrss`), and `reset_peak()` says so.
"""

import resource
import sys


def reset_peak():
    """Make the current RSS the peak; False where the kernel refused (then
    `peak_rss_mb()` is the process's peak since it started)."""
    try:
        with open("/proc/self/clear_refs", "w") as file:
            file.write("5")
        return True
    except OSError:
        return False


def _status_mb(field):
    """A `kB` field of /proc/self/status in MB, or None off Linux."""
    try:
        with open("/proc/self/status") as file:
            for line in file:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _maxrss_mb():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes / kB


def peak_rss_mb():
    """The peak RSS since the last `reset_peak()` (or the process's start)."""
    peak = _status_mb("VmHWM")
    return _maxrss_mb() if peak is None else peak


def rss_mb():
    """The RSS now (the peak so far off Linux)."""
    current = _status_mb("VmRSS")
    return _maxrss_mb() if current is None else current
