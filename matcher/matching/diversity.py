"""Maximal marginal relevance re-ranking so the top list is not ten copies of one thing."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["COVERAGE", "coverage_matrix", "mmr", "similarity_matrix"]

#: Gain added for each named wish a candidate covers that the list does not cover yet.
COVERAGE = 0.15


def similarity_matrix(primary: np.ndarray, tfidf_rows: sp.csr_matrix | None, same_code: bool) -> np.ndarray:
    """Return pairwise similarity: 1 for a shared primary interest (if ``same_code``), else TF-IDF cosine."""
    k = len(primary)
    sim = np.zeros((k, k))
    if tfidf_rows is not None and tfidf_rows.shape[0] == k:
        sim = np.asarray((tfidf_rows @ tfidf_rows.T).todense(), dtype=np.float64)
    if same_code:
        same = (primary[:, None] == primary[None, :]) & (primary[:, None] >= 0)
        sim = np.where(same, 1.0, sim)
    return np.clip(sim, 0.0, 1.0)


def coverage_matrix(masks: list[np.ndarray], pool: np.ndarray) -> np.ndarray:
    """Return a (len(pool), wishes) bool matrix: which pooled candidate covers which wish."""
    return np.stack([m[pool] for m in masks], axis=1) if masks else np.zeros((len(pool), 0), dtype=bool)


def mmr(relevance: np.ndarray, sim: np.ndarray, limit: int, diversity: float,
        covers: np.ndarray | None = None) -> np.ndarray:
    """Return positions (into ``relevance``) picked greedily by ``(1-λ)·rel − λ·R/(1+R) + coverage``.

    ``R`` is the summed similarity to the already picked items, so redundancy
    keeps growing with every near-copy (unlike plain max-MMR, which stops
    separating two interests after one of each) but saturates below λ, so an
    unrelated item never overtakes a much more relevant one.

    ``covers`` (items × wishes, bool) adds ``COVERAGE`` per wish an item covers that no
    picked item covers yet, and when the slots left are as few as the uncovered wishes that
    some item could cover, only such items may be picked: every wish with a candidate in the
    pool is in the list.
    """
    k = len(relevance)
    if diversity <= 0 or k <= 1:
        return np.argsort(-relevance, kind="stable")[:limit]
    chosen: list[int] = []
    free = np.ones(k, dtype=bool)
    redundancy = np.zeros(k)
    uncovered = None if covers is None or not covers.shape[1] else covers.any(axis=0)
    slots = min(limit, k)
    for step in range(slots):
        gain = (1.0 - diversity) * relevance - diversity * redundancy / (1.0 + redundancy)
        if uncovered is not None and uncovered.any():
            new = covers[:, uncovered].sum(axis=1)
            gain = gain + COVERAGE * new
            if slots - step <= int(uncovered.sum()):
                gain[new == 0] = -np.inf
        gain[~free] = -np.inf
        pick = int(np.argmax(gain))
        chosen.append(pick)
        free[pick] = False
        redundancy += sim[pick]
        if uncovered is not None:
            uncovered &= ~covers[pick]
    return np.asarray(chosen, dtype=np.int64)
