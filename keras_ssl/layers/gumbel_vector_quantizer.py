"""wav2vec 2.0's product quantizer with Gumbel-softmax, and its temperature."""

import math

import keras
from keras import ops

from keras_ssl.serialization import keras_ssl_serializable

__all__ = ["GumbelVectorQuantizer", "gumbel_temperature"]


def gumbel_temperature(step, planned_steps, start=2.0, end=0.5, decay=None):
    """The Gumbel-softmax temperature at `step`.

    The paper (Baevski et al. 2020, Sec. 4.2) anneals it "from 2 to a
    minimum of 0.5 ... decayed by a factor of 0.999995 at every update":
    `max(start * decay ** step, end)`, about 277k steps to the floor. By
    default (`decay=None`) the same exponential curve is stretched over
    the run's `planned_steps`: `start * (end / start) ** min(step /
    planned_steps, 1)`, reaching `end` at the last step.

    Args:
        step: int or scalar tensor. The current step (0 for the first).
        planned_steps: int or scalar tensor. Steps of the whole run.
        start: float > 0. The temperature at step 0 (paper: 2).
        end: float > 0. The floor (paper: 0.5).
        decay: float in (0, 1] or None. The paper's per-step factor.

    Returns:
        A float32 scalar tensor.

    Example:
    >>> round(float(gumbel_temperature(50, 100)), 4)   # sqrt(2 * 0.5)
    1.0
    >>> round(float(gumbel_temperature(10**6, 1, decay=0.999995)), 4)
    0.5
    """
    if not 0.0 < end <= start:
        raise ValueError(
            f"Gumbel temperatures need 0 < end <= start (paper: 2 -> 0.5); "
            f"got start={start}, end={end}."
        )
    step = ops.cast(step, "float32")
    if decay is not None:
        if not 0.0 < decay <= 1.0:
            raise ValueError(f"decay must be in (0, 1] (paper: 0.999995); got {decay}.")
        return ops.maximum(start * ops.exp(step * math.log(decay)), end)
    progress = ops.minimum(step / ops.maximum(ops.cast(planned_steps, "float32"), 1.0), 1.0)
    return start * ops.exp(progress * math.log(end / start))


@keras_ssl_serializable
class GumbelVectorQuantizer(keras.layers.Layer):
    """Product quantization of frames with a Gumbel-softmax choice per group.

    Baevski et al. 2020, "wav2vec 2.0", https://arxiv.org/abs/2006.11477,
    Sec. 2 and 3.1: a linear map of each frame to `G x V` logits; in each
    of the `G` codebooks one of `V` entries is chosen and the chosen
    entries (`code_dim / G` wide each) are concatenated. In training the
    choice is the straight-through hard Gumbel-softmax: the forward pass
    uses the one-hot argmax of `(logits + gumbel noise) / temperature`,
    the gradient that of its softmax. At inference it is the argmax of
    the logits. `probs`, the softmax of the logits without noise, feeds
    the diversity loss (`keras_ssl.losses.wav2vec2_diversity_loss`).

    Args:
        num_groups: int. Codebooks G (paper: 2).
        num_entries: int. Entries per codebook V (paper: 320).
        code_dim: int. Width of a quantized frame; a multiple of G.
        **kwargs: `keras.layers.Layer` arguments.

    Call arguments:
        features: `(N, F, C)` frames.
        temperature: float or scalar tensor. The Gumbel temperature.
        seed: `keras.random.SeedGenerator` (the model's) for the noise;
            needed when `training`.
        training: bool.

    Returns:
        A dict: `"quantized"` `(N, F, code_dim)`, `"codes"` int32
        `(N, F, G)` (the chosen entries), `"probs"` float32 `(N, F, G, V)`.

    Example:
    ```python
    quantizer = GumbelVectorQuantizer(num_groups=2, num_entries=320, code_dim=64)
    out = quantizer(np.zeros((2, 38, 32)), temperature=2.0)
    out["quantized"].shape, out["codes"].shape   # (2, 38, 64), (2, 38, 2)
    ```
    """

    def __init__(self, num_groups=2, num_entries=320, code_dim=256, **kwargs):
        super().__init__(**kwargs)
        if num_groups < 1 or num_entries < 2 or code_dim % num_groups:
            raise ValueError(
                f"GumbelVectorQuantizer needs num_groups >= 1, num_entries >= 2 "
                f"and code_dim a multiple of num_groups (paper: G=2, V=320); got "
                f"num_groups={num_groups}, num_entries={num_entries}, "
                f"code_dim={code_dim}."
            )
        self.num_groups = int(num_groups)
        self.num_entries = int(num_entries)
        self.code_dim = int(code_dim)
        self.logits_layer = keras.layers.Dense(
            self.num_groups * self.num_entries,
            kernel_initializer=keras.initializers.RandomNormal(stddev=1.0),
            dtype=self.dtype_policy, name="logits",
        )

    def build(self, input_shape):
        self.logits_layer.build(input_shape)
        # One row per (group, entry), uniform in [0, 1) as in the paper's code.
        self.codebook = self.add_weight(
            shape=(self.num_groups, self.num_entries, self.code_dim // self.num_groups),
            initializer=keras.initializers.RandomUniform(0.0, 1.0), name="codebook",
        )

    def call(self, features, temperature=1.0, seed=None, training=False):
        logits = ops.cast(self.logits_layer(features), "float32")
        batch, frames = ops.shape(logits)[0], ops.shape(logits)[1]
        logits = ops.reshape(logits, (batch, frames, self.num_groups, self.num_entries))
        probs = ops.softmax(logits, axis=-1)
        if training:
            if seed is None:
                raise ValueError(
                    "GumbelVectorQuantizer needs seed= (the model's SeedGenerator) "
                    "in training, for its Gumbel noise."
                )
            uniform = keras.random.uniform(ops.shape(logits), 1e-9, 1.0, seed=seed)
            noisy = (logits - ops.log(-ops.log(uniform))) / temperature
            soft = ops.softmax(noisy, axis=-1)
            codes = ops.argmax(noisy, axis=-1)
            hard = ops.one_hot(codes, self.num_entries, dtype="float32")
            choice = soft + ops.stop_gradient(hard - soft)  # straight-through
        else:
            codes = ops.argmax(logits, axis=-1)
            choice = ops.one_hot(codes, self.num_entries, dtype="float32")
        codebook = ops.cast(self.codebook, "float32")
        # choice (n, f, g, v) x codebook (g, v, d) -> (n, f, g, d)
        quantized = ops.einsum("nfgv,gvd->nfgd", choice, codebook)
        quantized = ops.reshape(quantized, (batch, frames, self.code_dim))
        return {
            "quantized": ops.cast(quantized, self.compute_dtype),
            "codes": ops.cast(codes, "int32"),
            "probs": probs,
        }

    def compute_output_spec(self, features, temperature=1.0, seed=None, training=False):
        batch, frames = features.shape[0], features.shape[1]
        return {
            "quantized": keras.KerasTensor((batch, frames, self.code_dim), self.compute_dtype),
            "codes": keras.KerasTensor((batch, frames, self.num_groups), "int32"),
            "probs": keras.KerasTensor(
                (batch, frames, self.num_groups, self.num_entries), "float32"
            ),
        }

    def get_config(self):
        return {**super().get_config(), "num_groups": self.num_groups,
                "num_entries": self.num_entries, "code_dim": self.code_dim}
