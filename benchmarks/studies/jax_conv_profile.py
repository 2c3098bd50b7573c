"""Where XLA:CPU spends a ConvNet training step: each convolution's forward
pass, input gradient and filter gradient, timed apart.

The default keras_ssl ConvNet's five 3x3 convolutions, at the shapes a
SimCLR/BYOL step at batch 256 gives them (two views: 512 images), jitted
one by one with JAX, as Keras's JAX backend lowers them
(`lax.conv_general_dilated`, NHWC / HWIO). Beside the filter gradient XLA
derives, the same gradient as one matrix product over shifted copies of the
input (`shifted matmul`), the alternative a library could substitute
through a custom VJP. Milliseconds, the best of 3 after a warm-up.

A finished study (its result is in BENCHMARKS.md, "JAX on CPU: where the
time goes"): it is why `keras_ssl.layers.Conv2D` computes its 3x3 filter
gradient as matrix products on JAX (`jax_filter_gradient_ab.py` measures
what that is worth on a whole step). Rerun it with a new jaxlib, or on
another device, to see whether XLA's own gradient has caught up.

Usage:
    python benchmarks/studies/jax_conv_profile.py
"""

import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

# (height = width, in channels, out channels) of the ConvNet's convolutions.
LAYERS = ((28, 1, 32), (28, 32, 32), (14, 32, 64), (14, 64, 64), (7, 64, 128))
BATCH = 512
NUMBERS = ("NHWC", "HWIO", "NHWC")


def best_ms(function, *args, repeats=3):
    jax.block_until_ready(function(*args))
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        jax.block_until_ready(function(*args))
        times.append(time.perf_counter() - started)
    return 1000 * min(times)


def conv(x, w):
    return lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=NUMBERS)


def filter_gradient_as_matmul(x, cotangent):
    """dL/dw of a 3x3 SAME convolution: the nine shifted inputs side by side,
    transposed, times the output cotangent."""
    size, channels = x.shape[1], x.shape[-1]
    padded = jnp.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    patches = jnp.concatenate(
        [padded[:, i:i + size, j:j + size, :] for i in range(3) for j in range(3)], axis=-1
    ).reshape(-1, 9 * channels)
    out = cotangent.shape[-1]
    return (patches.T @ cotangent.reshape(-1, out)).reshape(3, 3, channels, out)


def main():
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args()
    rng = np.random.default_rng(0)
    print(f"jax {jax.__version__}, {jax.devices()[0].platform}, batch {BATCH}")
    print("| layer (HxW, in -> out) | forward | input gradient | filter gradient "
          "| filter gradient, shifted matmul |")
    print("|---|---:|---:|---:|---:|")
    totals = np.zeros(4)
    for size, cin, cout in LAYERS:
        x = jnp.asarray(rng.random((BATCH, size, size, cin), dtype="float32"))
        w = jnp.asarray(rng.normal(size=(3, 3, cin, cout)).astype("float32"))
        cotangent = jnp.asarray(rng.random((BATCH, size, size, cout), dtype="float32"))
        forward = jax.jit(conv)
        input_grad = jax.jit(lambda x, w, c: jax.vjp(lambda x: conv(x, w), x)[1](c)[0])
        filter_grad = jax.jit(lambda x, w, c: jax.vjp(lambda w: conv(x, w), w)[1](c)[0])
        as_matmul = jax.jit(filter_gradient_as_matmul)
        np.testing.assert_allclose(
            as_matmul(x, cotangent), filter_grad(x, w, cotangent), rtol=1e-3, atol=1e-1
        )
        row = np.array([
            best_ms(forward, x, w), best_ms(input_grad, x, w, cotangent),
            best_ms(filter_grad, x, w, cotangent), best_ms(as_matmul, x, cotangent),
        ])
        totals += row
        print(f"| {size}x{size}, {cin} -> {cout} | " + " | ".join(f"{v:.0f}" for v in row) + " |",
              flush=True)
    print("| all five | " + " | ".join(f"{v:.0f}" for v in totals) + " |")


if __name__ == "__main__":
    main()
