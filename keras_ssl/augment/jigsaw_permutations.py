"""The fixed permutation set of the jigsaw task (Noroozi & Favaro 2016)."""

import functools
import itertools

import numpy as np

__all__ = ["maximal_hamming_permutations"]

#: The most permutations a set may hold (the paper studies up to 1,000).
MAX_PERMUTATIONS = 1000

CRITERIA = ("average", "minimum")


@functools.lru_cache(maxsize=2)
def _candidates(num_tiles):
    """All `num_tiles!` permutations in lexicographic order, and for each
    position `i` and value `v` the indices of those with `p[i] == v`."""
    perms = np.array(list(itertools.permutations(range(num_tiles))), dtype="int8")
    per_value = len(perms) // num_tiles
    by_value = np.stack([
        np.argsort(perms[:, i], kind="stable").astype("int32").reshape(num_tiles, per_value)
        for i in range(num_tiles)
    ])
    return perms, by_value


def _check_int(name, value, low, high, hint=""):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not (
        low <= value <= high
    ):
        raise ValueError(f"{name} must be an int in [{low}, {high}]{hint}; got {value!r}.")


def maximal_hamming_permutations(count=100, seed=0, num_tiles=9, criterion="average"):
    """Permutations of the tiles chosen greedily for a large Hamming distance.

    The paper's greedy Algorithm 1 for maximal Hamming distance: the first
    permutation is drawn uniformly among all `num_tiles!` with `seed`;
    then, `count - 1` times, the candidate with the largest sum of Hamming
    distances to the permutations already chosen (the paper's
    `argmax 1^T D`) moves from the candidates to the set, the first in
    lexicographic order on ties. `criterion="minimum"` instead
    picks the candidate whose nearest chosen permutation is farthest
    (max-min; not the paper's). The same arguments give the same set, so a
    model rebuilds it from its config.

    For 9 tiles and seed 0, the paper's criterion gives 100 permutations
    with an average pairwise distance of 8.08 but a minimum of 2 (some
    pairs differ by one swap); max-min gives 8.03 and 6.

    Reference: https://arxiv.org/abs/1603.09246 (Algorithm 1)

    Args:
        count: int in [2, 1000] (at most `num_tiles!`). Number of
            permutations, i.e. of puzzle classes.
        seed: int. Seed of the first, random permutation.
        num_tiles: int in [2, 9]. Tiles per puzzle (9 for a 3x3 grid).
        criterion: `"average"` (the paper's) or `"minimum"`.

    Returns:
        int32 array `(count, num_tiles)`; row `k` is permutation `k`, a
        reordering of `0 .. num_tiles - 1`.

    Example:
    ```python
    from keras_ssl.augment.jigsaw_permutations import maximal_hamming_permutations
    perms = maximal_hamming_permutations(100, seed=0)  # (100, 9)
    ```
    """
    _check_int("num_tiles", num_tiles, 2, 9)
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {CRITERIA}; got {criterion!r}.")
    perms, by_value = _candidates(int(num_tiles))
    _check_int(
        "count", count, 2, min(MAX_PERMUTATIONS, len(perms)),
        f" for {num_tiles} tiles (the jigsaw paper uses sets of 100 to 1,000"
        f" permutations of 9 tiles)",
    )
    chosen = [int(np.random.default_rng(seed).integers(len(perms)))]
    # Hamming distance = num_tiles - matching positions, so the paper's
    # largest distance sum is the smallest sum of matches (and max-min the
    # smallest largest match count). Matches of each pick are counted from
    # the per-position index instead of comparing all num_tiles! rows.
    score = np.zeros(len(perms), dtype="int64")
    available = np.ones(len(perms), dtype=bool)
    for _ in range(count - 1):
        newest = perms[chosen[-1]]
        available[chosen[-1]] = False
        matches = np.zeros(len(perms), dtype="int64")
        for position in range(num_tiles):
            matches[by_value[position, newest[position]]] += 1
        score = score + matches if criterion == "average" else np.maximum(score, matches)
        chosen.append(int(np.argmin(np.where(available, score, np.iinfo("int64").max))))
    return perms[chosen].astype("int32")
