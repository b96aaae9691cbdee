"""``scoring.largest``: the k largest values, found through a sampled threshold, equal a full sort's."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.matching.scoring import SAMPLE_STEP, largest


def expected(values: np.ndarray, k: int) -> list[float]:
    return sorted(values.tolist(), reverse=True)[:k]


@pytest.mark.parametrize("seed", range(12))
def test_the_values_found_are_the_k_largest(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40_000))
    k = int(rng.integers(1, 400))
    values = rng.random(n)
    if seed % 3 == 1:  # many ties, as scores of offers with the same fields have
        values = np.round(values * 20) / 20
    if seed % 3 == 2:  # the best values all late in the array, never sampled first
        values = np.sort(values)
    found = largest(values, k)
    assert len(found) == min(k, n) == len(set(found.tolist()))
    assert sorted(values[found].tolist(), reverse=True) == expected(values, k)


def test_all_equal_values_give_k_distinct_positions():
    values = np.full(100_000, 0.5)
    found = largest(values, 50)
    assert len(set(found.tolist())) == 50 and values[found].tolist() == [0.5] * 50


@pytest.mark.parametrize("n,k", [(5, 5), (5, 9), (SAMPLE_STEP * 50, 50), (SAMPLE_STEP * 50 + 1, 50), (1000, 1)])
def test_edges_of_the_sample(n, k):
    values = np.random.default_rng(n + k).permutation(n).astype(np.float64)
    found = largest(values, k)
    assert sorted(values[found].tolist(), reverse=True) == expected(values, k)


def test_a_nan_among_the_values_does_not_break_the_selection():
    values = np.arange(10_000, dtype=np.float64)
    values[::SAMPLE_STEP] = np.nan  # every sampled value
    found = largest(values, 10)
    assert len(set(found.tolist())) == 10
