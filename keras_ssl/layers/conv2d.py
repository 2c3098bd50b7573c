"""Keras's Conv2D, with a faster filter gradient for 3x3 kernels on JAX."""

import keras

from keras_ssl.backend.conv_filter_gradient import conv3x3_same
from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class Conv2D(keras.layers.Conv2D):
    """`keras.layers.Conv2D` whose 3x3 convolutions train faster on JAX.

    Same arguments, weights and outputs as Keras's layer (it is a subclass,
    so weights and presets load either way). On the JAX backend, a 3x3,
    stride-1, undilated, ungrouped, `padding="same"`, channels-last
    convolution computes its kernel's gradient as nine matrix products
    instead of XLA:CPU's filter-gradient convolution
    (`keras_ssl.backend.conv_filter_gradient`), which made SimCLR's and
    BYOL's train steps on the ConvNet 1.63x and 1.41x faster on a 2-core
    CPU (`benchmarks/studies/jax_filter_gradient_ab.py`, BENCHMARKS.md). Every other
    configuration, and TensorFlow and PyTorch, are Keras's layer unchanged.

    Args:
        filters: int. Output channels.
        kernel_size: int or tuple of 2 ints.
        **kwargs: the other `keras.layers.Conv2D` arguments (`strides`,
            `padding`, `use_bias`, initializers, ...).

    Example:
    ```python
    conv = keras_ssl.layers.Conv2D(32, 3, padding="same", use_bias=False)
    outputs = conv(np.random.rand(8, 28, 28, 1))
    ```
    """

    def _matrix_product_gradient(self):
        return (
            tuple(self.kernel_size) == (3, 3)
            and tuple(self.strides) == (1, 1)
            and tuple(self.dilation_rate) == (1, 1)
            and self.padding == "same"
            and self.data_format == "channels_last"
            and self.groups == 1
        )

    def convolution_op(self, inputs, kernel):
        if self._matrix_product_gradient():
            outputs = conv3x3_same(inputs, kernel)
            if outputs is not None:
                return outputs
        return super().convolution_op(inputs, kernel)
