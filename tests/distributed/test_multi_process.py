"""Two JAX processes on localhost train one model, as two hosts would.

Each test launches `process_run.py` twice (process 0 and 1) with
`KERAS_BACKEND=jax`, whatever the backend of this test run, on a coordinator
port picked free at run time. They check what a cluster relies on:

- SimCLR's negatives come from the global batch: each step's loss over two
  processes equals one process's on the same global batch of 16 (NT-Xent
  with 8 examples per process would give another loss), and both processes
  end with identical weights;
- MoCo's queue and DINO's centre are identical in both processes;
- a worker SIGKILLed mid-epoch, with both restarted from
  `ProcessBackupAndRestore`'s epoch backups, ends on the uninterrupted
  run's weights (BYOL: its moving-average target, step counter and seed
  state come back with the weights).

Four multi-process tests (one launch shared by the first three and the
uninterrupted run of the fourth); no timing asserts.
"""

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LAUNCH_TIMEOUT = 600  # s; a generous bound for a loaded 2-core machine

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("jax") is None,
    reason="the multi-process tests launch JAX processes: jax is not installed",
)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


def _launch(job, out_dir, cache_dir, *flags):
    """Start process 0 and 1 of `job`; their output goes to files in `out_dir`.

    JAX's persistent compilation cache in `cache_dir` lets a later launch of
    the same steps skip compiling them.
    """
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3", JAX_PLATFORMS="cpu")
    env["JAX_COMPILATION_CACHE_DIR"] = str(cache_dir)
    env.pop("XLA_FLAGS", None)  # one CPU device per process
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    port = _free_port()
    processes = []
    for index in (0, 1):
        log = open(os.path.join(out_dir, f"{job}-{index}.log"), "w")
        command = [sys.executable, os.path.join(HERE, "process_run.py"), job, str(port),
                   str(index), str(out_dir), *flags]
        processes.append(subprocess.Popen(command, env=env, stdout=log, stderr=log))
        log.close()
    return processes


def _log_tails(out_dir, job):
    tails = []
    for index in (0, 1):
        with open(os.path.join(out_dir, f"{job}-{index}.log")) as log:
            tails.append(f"--- process {index}:\n" + log.read()[-3000:])
    return "\n".join(tails)


def _kill(processes):
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def _finish(processes, out_dir, job):
    """Wait for both processes; their results, `[process 0's, process 1's]`."""
    try:
        for process in processes:
            process.wait(timeout=LAUNCH_TIMEOUT)
    finally:
        _kill(processes)
    codes = [process.returncode for process in processes]
    assert codes == [0, 0], f"exit codes {codes}\n" + _log_tails(out_dir, job)
    return [dict(np.load(os.path.join(out_dir, f"{job}-{i}.npz"))) for i in (0, 1)]


def _weights(result, prefix):
    keys = sorted(k for k in result if k.startswith(f"{prefix}_weight_"))
    return [result[k] for k in sorted(keys, key=lambda k: int(k.rsplit("_", 1)[1]))]


def _max_difference(first, second):
    return max(float(np.abs(a - b).max()) for a, b in zip(first, second, strict=True))


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("jax_cache")


@pytest.fixture(scope="module")
def methods_run(tmp_path_factory, cache_dir):
    out_dir = tmp_path_factory.mktemp("methods")
    return _finish(_launch("methods", out_dir, cache_dir), out_dir, "methods")


def test_simclr_negatives_come_from_the_global_batch(methods_run):
    first, second = methods_run
    # Each step's logged loss (the running mean of the epoch) over 2
    # processes equals one process's on the same global batch.
    np.testing.assert_allclose(
        first["simclr_losses"], first["reference_simclr_losses"], rtol=0, atol=1e-4
    )
    assert len(first["simclr_losses"]) == 4
    np.testing.assert_array_equal(first["simclr_losses"], second["simclr_losses"])
    assert _max_difference(_weights(first, "simclr"), _weights(second, "simclr")) == 0.0
    assert _max_difference(_weights(first, "simclr"), _weights(first, "reference_simclr")) < 1e-4


def test_moco_queue_is_the_same_in_every_process(methods_run):
    first, second = methods_run
    # 4 steps of 16 keys into a queue of 32: full, and pushed once per
    # global step (the pointer is back at 0).
    assert int(first["moco_queue_filled"]) == 32 and int(first["moco_queue_pointer"]) == 0
    for name in ("queue_values", "queue_pointer", "queue_filled", "ema_step"):
        np.testing.assert_array_equal(first[f"moco_{name}"], second[f"moco_{name}"])
    assert int(first["moco_ema_step"]) == 4
    assert _max_difference(_weights(first, "moco"), _weights(second, "moco")) == 0.0


def test_dino_center_is_the_same_in_every_process(methods_run):
    first, second = methods_run
    assert np.abs(first["dino_center"]).max() > 1e-3  # it moved
    np.testing.assert_array_equal(first["dino_center"], second["dino_center"])
    assert _max_difference(_weights(first, "dino"), _weights(second, "dino")) == 0.0


def test_killed_worker_resumes_to_the_uninterrupted_weights(methods_run, tmp_path, cache_dir):
    uninterrupted = methods_run[0]
    processes = _launch("byol", tmp_path, cache_dir, "--pause")
    marker = tmp_path / "paused"
    deadline = time.monotonic() + LAUNCH_TIMEOUT
    try:
        while not marker.exists():
            exited = [p.returncode for p in processes if p.poll() is not None]
            assert not exited and time.monotonic() < deadline, _log_tails(tmp_path, "byol")
            time.sleep(0.2)
        # Process 1 is mid-epoch 2 (epoch 1 backed up in both processes):
        # kill it; process 0 waits in a collective for it, and the cluster
        # manager restarts both.
        processes[1].send_signal(signal.SIGKILL)
        processes[1].wait()
    finally:
        _kill(processes)
    assert processes[1].returncode == -signal.SIGKILL
    assert not (tmp_path / "byol-0.npz").exists()
    first, second = _finish(_launch("byol", tmp_path, cache_dir), tmp_path, "byol")
    assert int(first["byol_first_epoch"]) == 1  # resumed, not started again
    assert int(first["byol_ema_step"]) == 12
    restarted = _weights(first, "byol")
    assert _max_difference(restarted, _weights(second, "byol")) == 0.0
    assert _max_difference(_weights(uninterrupted, "byol"), _weights(methods_run[1], "byol")) == 0.0
    assert _max_difference(restarted, _weights(uninterrupted, "byol")) <= 1e-5
