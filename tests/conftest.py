"""Test configuration: quiet TensorFlow, opt-in slow tests, seeded runs."""

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


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same global seed."""
    keras.utils.set_random_seed(0)
    yield
    keras.backend.clear_session()


@pytest.fixture(params=[True, False], ids=["jit", "nojit"])
def jit_compile(request):
    """Run a test with `jit_compile` on and off."""
    return request.param
