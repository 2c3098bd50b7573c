"""Test helper: `make_view` traced and compiled with XLA on the active backend."""

import keras
import pytest

from keras_ssl.augment import make_view


def compiled_view(augmentation, images, **kwargs):
    """`make_view(augmentation, images, seed, **kwargs)` under XLA."""
    generator = keras.random.SeedGenerator(0)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.function(
            lambda: make_view(augmentation, images, generator, **kwargs),
            jit_compile=True,
        )()
    if keras.backend.backend() == "jax":
        import jax

        def view(state):
            with keras.StatelessScope(state_mapping=[(generator.state, state)]):
                return make_view(augmentation, images, generator, **kwargs)

        return jax.jit(view)(generator.state.value)
    pytest.skip("XLA compilation is tested on TensorFlow and JAX")
