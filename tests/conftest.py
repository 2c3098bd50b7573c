"""Test configuration: quiet TensorFlow, opt-in slow tests, seeded runs."""

import itertools
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import pytest  # noqa: E402


def pytest_addoption(parser):
    parser.addoption(
        "--run-large",
        action="store_true",
        default=False,
        help="run tests marked `large` (long real-data training)",
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "large: slow test, run with --run-large")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-large"):
        return
    skip = pytest.mark.skip(reason="large test: pass --run-large to run it")
    for item in items:
        if "large" in item.keywords:
            item.add_marker(skip)


def pytest_report_header(config):
    return f"keras {keras.__version__}, backend {keras.backend.backend()}"


# A full garbage collection takes seconds once TensorFlow, JAX and a few
# models are loaded (it was over a third of CI's time when run after every
# test), so Keras's state is reset after every test and Python's garbage is
# collected after every `_COLLECT_EVERY` tests (besides Python's own
# automatic collections), which keeps the workers' memory bounded.
_COLLECT_EVERY = 25
_tests_run = itertools.count(1)


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same global seed and Keras state."""
    keras.utils.set_random_seed(0)
    yield
    keras.backend.clear_session(free_memory=next(_tests_run) % _COLLECT_EVERY == 0)


# Eager JAX (`jit_compile=False`) runs the same stateless train step as
# jitted JAX, op by op and many times slower on CPU; it is checked on the
# base model and SimCLR; every method's jitted step is checked
# everywhere.
EAGER_JAX_MODULES = ("test_ssl_model", "test_simclr")


@pytest.fixture(params=[True, False], ids=["jit", "nojit"])
def jit_compile(request):
    """Run a test with `jit_compile` on and off (off: eager on JAX)."""
    module = request.module.__name__.rsplit(".", 1)[-1]
    if not request.param and keras.backend.backend() == "jax" and module not in EAGER_JAX_MODULES:
        pytest.skip(f"eager JAX is checked in {', '.join(EAGER_JAX_MODULES)}")
    return request.param
