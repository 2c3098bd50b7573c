"""A method defined outside keras_ssl: the code of docs/adding_a_method.md.

The method's code is read from the guide and run here, so the guide is
exactly what this test proves: a method subclassing the public base,
decorated with `register_method`, trains with `fit`, round-trips through
`keras.saving.load_model` without `custom_objects` and is listed.
"""

import json
import os
import re
import types

import keras
import numpy as np
import pytest

import keras_ssl
from test_case import mnist5k_subset
from test_case import run_model_saving_test
from test_case import tiny_conv_net

GUIDE = os.path.join(
    os.path.dirname(__file__), os.pardir, os.pardir, "docs", "adding_a_method.md"
)


def guide_code():
    """The first python block of the guide (the method)."""
    with open(GUIDE, encoding="utf-8") as file:
        text = file.read()
    return re.search(r"^```python\n(.*?)^```$", text, re.S | re.M).group(1)


@pytest.fixture(scope="module")
def method_module():
    module = types.ModuleType("external_method")
    exec(compile(guide_code(), GUIDE, "exec"), module.__dict__)  # noqa: S102
    yield module
    keras_ssl.methods.unregister_method("align_uniform")


def test_the_guide_defines_a_method_of_about_forty_lines(method_module):
    lines = [line for line in guide_code().splitlines() if line.strip()]
    assert len(lines) < 70
    assert issubclass(method_module.AlignUniform, keras_ssl.methods.JointEmbeddingModel)


def test_it_is_listed_and_found_by_name(method_module):
    assert "align_uniform" in keras_ssl.list_methods()
    assert keras_ssl.methods.get_method("align_uniform") is method_module.AlignUniform
    assert keras.saving.get_registered_name(method_module.AlignUniform) == (
        "keras_ssl>AlignUniform"
    )


def test_it_trains_with_fit_and_lowers_its_loss(method_module, jit_compile):
    images, _ = mnist5k_subset("train", size=256)
    model = method_module.AlignUniform(tiny_conv_net(), seed=0)
    model.compile(jit_compile=jit_compile)
    losses = model.fit(images, epochs=3, batch_size=64, verbose=0).history["loss"]
    # The uniformity term is a log below 0, so the loss may be negative;
    # zero would mean no loss reached the step (JAX trains on it silently).
    assert np.all(np.isfinite(losses)) and np.all(np.asarray(losses) != 0.0)
    assert losses[-1] < losses[0]


def test_it_round_trips_through_load_model_without_custom_objects(
    method_module, tmp_path
):
    model = method_module.AlignUniform(tiny_conv_net(), temperature=3.0, seed=0)
    model.compile()
    model.fit(mnist5k_subset("train", size=64)[0], batch_size=32, verbose=0)
    restored = run_model_saving_test(
        model, mnist5k_subset("test", size=8)[0], str(tmp_path / "m.keras")
    )
    assert restored.temperature == 3.0
    # As JSON: the file holds lists where the live config has tuples.
    assert json.dumps(restored.get_config(), sort_keys=True) == json.dumps(
        model.get_config(), sort_keys=True
    )


def test_unregistering_removes_it_from_keras_too(method_module):
    class Throwaway(method_module.AlignUniform):
        pass

    keras_ssl.methods.register_method("throwaway")(Throwaway)
    assert "throwaway" in keras_ssl.list_methods()
    keras_ssl.methods.unregister_method("throwaway")
    assert "throwaway" not in keras_ssl.list_methods()
    assert keras.saving.get_registered_object("keras_ssl>Throwaway") is None
    np.testing.assert_equal(keras_ssl.list_methods().count("align_uniform"), 1)
