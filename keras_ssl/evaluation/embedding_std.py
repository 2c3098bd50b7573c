"""Collapse measure: the spread of L2-normalised embeddings.

Following BYOL/SimSiam practice (Chen & He 2021, "Exploring Simple Siamese
Representation Learning", section 4.1): normalise each embedding to unit
length and take the standard deviation of each dimension over the examples.
If the encoder maps every input to the same vector (complete collapse) it is
0; for embeddings spread like an isotropic Gaussian it is about
`1 / sqrt(d)`.

Reference: https://arxiv.org/abs/2011.10566
"""

import numpy as np


def embedding_std(embeddings):
    """Mean over dimensions of the per-dimension std of L2-normalised rows.

    Args:
        embeddings: float array `(N, d)`, N >= 2.

    Returns:
        float in `[0, 1]`: ~0 when collapsed, ~`1 / sqrt(d)` when healthy.

    Example:
    >>> embedding_std(np.ones((8, 4)))
    0.0
    """
    embeddings = np.asarray(embeddings, "float64")
    if embeddings.ndim != 2 or len(embeddings) < 2:
        raise ValueError(
            f"embedding_std needs a batch of at least 2 vectors (N, d); got "
            f"shape {embeddings.shape}."
        )
    norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
    normalized = embeddings / np.maximum(norms, 1e-12)
    return float(normalized.std(axis=0).mean())
