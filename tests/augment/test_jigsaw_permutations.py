import itertools

import numpy as np
import pytest

from keras_ssl.augment.jigsaw_permutations import maximal_hamming_permutations


def paper_algorithm_1(count, seed, num_tiles, criterion="average"):
    """Algorithm 1 of arXiv 1603.09246 as written: P_bar holds every
    permutation, p starts uniform, and each round moves p from P_bar to P
    and picks the next p = argmax_k (1^T D)_k, D = Hamming(P, P_bar).
    ("minimum": argmax_k min_i D_ik instead.)"""
    p_bar = np.array(list(itertools.permutations(range(num_tiles))))
    j = int(np.random.default_rng(seed).integers(len(p_bar)))
    p = np.zeros((0, num_tiles), dtype=int)
    for _ in range(count):
        p = np.concatenate([p, p_bar[j][None]])
        p_bar = np.delete(p_bar, j, axis=0)
        d = (p[:, None, :] != p_bar[None, :, :]).sum(axis=2)
        j = int(np.argmax(d.sum(axis=0) if criterion == "average" else d.min(axis=0)))
    return p


def pairwise_hamming(perms):
    d = (perms[:, None, :] != perms[None, :, :]).sum(axis=2)
    return d[~np.eye(len(perms), dtype=bool)]


@pytest.mark.parametrize("criterion", ["average", "minimum"])
def test_the_set_is_the_papers_greedy_algorithm(criterion):
    for seed in (0, 5):
        np.testing.assert_array_equal(
            maximal_hamming_permutations(30, seed=seed, num_tiles=6, criterion=criterion),
            paper_algorithm_1(30, seed, 6, criterion),
        )


def test_nine_tiles_give_distinct_far_apart_permutations_deterministically():
    perms = maximal_hamming_permutations(100, seed=0)
    assert perms.shape == (100, 9) and perms.dtype == np.int32
    assert np.all(np.sort(perms, axis=1) == np.arange(9))
    assert len({tuple(row) for row in perms}) == 100
    distances = pairwise_hamming(perms)
    # The paper's criterion maximizes the average, not the minimum.
    assert distances.min() == 2 and round(distances.mean(), 2) == 8.08
    spread = pairwise_hamming(maximal_hamming_permutations(100, seed=0, criterion="minimum"))
    assert spread.min() == 6 and round(spread.mean(), 2) == 8.03
    np.testing.assert_array_equal(perms, maximal_hamming_permutations(100, seed=0))
    other = maximal_hamming_permutations(100, seed=1)
    assert not np.array_equal(perms[0], other[0])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(count=1), r"count must be an int in \[2, 1000\]"),
        (dict(count=1001), r"count must be an int in \[2, 1000\]"),
        (dict(count=2.5), "count must be an int"),
        (dict(count=7, num_tiles=3), r"\[2, 6\] for 3 tiles"),
        (dict(num_tiles=10), r"num_tiles must be an int in \[2, 9\]"),
        (dict(criterion="max"), "criterion must be one of"),
    ],
)
def test_bad_arguments_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        maximal_hamming_permutations(**kwargs)
