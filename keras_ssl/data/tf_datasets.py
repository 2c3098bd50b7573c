"""Recognise a `tf.data.Dataset` without importing TensorFlow.

Image and text inputs alike may come as `tf.data` datasets; this check is
shared by both and never imports TensorFlow itself, so it costs nothing
(and is always False) on an install without it.
"""

import sys


def is_tf_dataset(x):
    """True for a `tf.data.Dataset`; never imports TensorFlow.

    TensorFlow is looked up in `sys.modules`: if nothing imported it, `x`
    cannot be one of its datasets (a JAX-only install has none).
    """
    tf = sys.modules.get("tensorflow")
    return tf is not None and isinstance(x, tf.data.Dataset)
