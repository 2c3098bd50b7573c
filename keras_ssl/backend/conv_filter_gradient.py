"""3x3 convolutions whose filter gradient is nine matrix products, on JAX.

XLA:CPU computes a convolution's filter gradient (dL/dkernel) as another
convolution, and on a CPU that kernel is slow: for the ConvNet's five
convolutions on a 512-image SimCLR/BYOL batch it took 1,625 ms against 378
ms for the forward passes and 431 ms for the input gradients
(`benchmarks/studies/jax_conv_profile.py`, BENCHMARKS.md). The same gradient of a
3x3, stride-1, "same" convolution is a sum over the nine kernel taps: tap
(i, j) is the input shifted by (i - 1, j - 1), as an `(N*H*W, C_in)`
matrix, transposed, times the output gradient as an `(N*H*W, C_out)`
matrix. XLA runs those products as dense matrix multiplications. The
forward pass and the input gradient stay XLA's convolutions. TensorFlow
and PyTorch keep their own convolutions (oneDNN's filter gradient is fast).
"""

import functools

import keras

_NUMBERS = ("NHWC", "HWIO", "NHWC")


def conv3x3_same(inputs, kernel):
    """A 3x3, stride-1, "same", channels-last convolution, or None.

    Args:
        inputs: tensor `(N, H, W, C_in)`.
        kernel: tensor `(3, 3, C_in, C_out)`.

    Returns:
        The convolution `(N, H, W, C_out)`, the same as `keras.ops.conv(
        inputs, kernel, padding="same")`, with the matrix-product filter
        gradient; None on backends other than JAX (the caller then uses
        `keras.ops.conv`).

    Example:
    ```python
    outputs = conv3x3_same(images, kernel)
    if outputs is None:
        outputs = keras.ops.conv(images, kernel, padding="same")
    ```
    """
    if keras.backend.backend() != "jax":
        return None
    convert = keras.ops.convert_to_tensor
    return _jax_conv()(convert(inputs), convert(kernel))


@functools.cache
def _jax_conv():
    """The jax.custom_vjp convolution, built once, on first use."""
    import jax
    from jax import lax
    from jax import numpy as jnp

    def conv(inputs, kernel):
        return lax.conv_general_dilated(
            inputs, kernel, (1, 1), "SAME", dimension_numbers=_NUMBERS
        )

    def filter_gradient(inputs, output_gradient):
        height, width, channels = inputs.shape[1], inputs.shape[2], inputs.shape[3]
        padded = jnp.pad(inputs, ((0, 0), (1, 1), (1, 1), (0, 0)))
        gradient = output_gradient.reshape(-1, output_gradient.shape[-1])
        taps = [
            jnp.stack([
                padded[:, i:i + height, j:j + width, :].reshape(-1, channels).T @ gradient
                for j in range(3)
            ])
            for i in range(3)
        ]
        return jnp.stack(taps)

    @jax.custom_vjp
    def conv3x3(inputs, kernel):
        return conv(inputs, kernel)

    def forward(inputs, kernel):
        return conv(inputs, kernel), (inputs, kernel)

    def backward(residuals, output_gradient):
        inputs, kernel = residuals
        input_gradient = jax.vjp(lambda x: conv(x, kernel), inputs)[1](output_gradient)[0]
        kernel_gradient = filter_gradient(inputs, output_gradient).astype(kernel.dtype)
        return input_gradient, kernel_gradient

    conv3x3.defvjp(forward, backward)
    return conv3x3
