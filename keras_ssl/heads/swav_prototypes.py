"""SwAV's prototypes: a bias-free linear layer with unit-norm columns."""

import keras
from keras import ops

from keras_ssl.serialization import keras_ssl_serializable


@keras_ssl_serializable
class SwAVPrototypes(keras.layers.Layer):
    """K trainable prototype vectors; scores are `z C` for unit-norm `z`.

    Caron et al. 2020, Sec. 3.1: "a set of K trainable prototype vectors,
    {c_1, ..., c_K}"; Algorithm 1 projects them back to the unit sphere
    after every update (`C = normalize(C, dim=0, p=2)`), so for unit-norm
    features each score is a cosine similarity. This layer is that linear
    map with no bias (lightly's `SwaVPrototypes` has one; the paper's has
    none): its kernel `(D, K)` starts with unit-norm columns and
    `normalize()` (called by `keras_ssl.SwAV` after each optimizer step)
    renormalises them. The gradient reaches the raw kernel, as in the
    paper's code, not a re-parametrised one.

    `call(z, frozen=...)` with a boolean tensor stops the kernel's gradient
    while `frozen` is true: SwAV keeps the prototypes fixed during its
    first epoch(s).

    Reference: https://arxiv.org/abs/2006.09882

    Args:
        num_prototypes: int > 0. K (paper: 3000 on ImageNet).
        seed: int or None. Seed of the initial prototypes.
        **kwargs: `keras.layers.Layer` arguments (`name`, `dtype`).

    Example:
    ```python
    prototypes = keras_ssl.heads.SwAVPrototypes(num_prototypes=32)
    z = keras.ops.normalize(np.random.randn(4, 16), axis=-1)
    scores = prototypes(z)  # (4, 32) cosine similarities
    ```
    """

    def __init__(self, num_prototypes, seed=None, **kwargs):
        super().__init__(**kwargs)
        if int(num_prototypes) != num_prototypes or num_prototypes < 1:
            raise ValueError(
                f"num_prototypes must be an int > 0; got {num_prototypes!r}."
            )
        self.num_prototypes = int(num_prototypes)
        self.seed = seed

    def build(self, input_shape):
        seed = self.seed

        def unit_columns(shape, dtype):
            kernel = keras.random.normal(shape, dtype="float32", seed=seed)
            return ops.cast(ops.normalize(kernel, axis=0), dtype)

        self.kernel = self.add_weight(
            shape=(int(input_shape[-1]), self.num_prototypes),
            initializer=unit_columns, name="kernel",
            # normalize() runs in each TF replica, on the same values.
            aggregation="only_first_replica",
        )

    def normalize(self):
        """Project every prototype (kernel column) back to unit norm."""
        self.kernel.assign(ops.normalize(self.kernel.value, axis=0))

    def call(self, inputs, frozen=None):
        kernel = self.kernel.value
        if frozen is not None:
            kernel = ops.where(frozen, ops.stop_gradient(kernel), kernel)
        return ops.matmul(inputs, ops.cast(kernel, self.compute_dtype))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)[:-1] + (self.num_prototypes,)

    def get_config(self):
        config = super().get_config()
        config.update(num_prototypes=self.num_prototypes, seed=self.seed)
        return config
