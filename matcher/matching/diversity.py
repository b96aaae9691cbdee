"""Maximal marginal relevance re-ranking so the top list is not ten copies of one thing."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["mmr", "similarity_matrix"]


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


def mmr(relevance: np.ndarray, sim: np.ndarray, limit: int, diversity: float) -> np.ndarray:
    """Return positions (into ``relevance``) picked greedily by ``(1-λ)·rel − λ·R/(1+R)``.

    ``R`` is the summed similarity to the already picked items, so redundancy
    keeps growing with every near-copy (unlike plain max-MMR, which stops
    separating two interests after one of each) but saturates below λ, so an
    unrelated item never overtakes a much more relevant one.
    """
    k = len(relevance)
    if diversity <= 0 or k <= 1:
        return np.argsort(-relevance, kind="stable")[:limit]
    chosen: list[int] = []
    free = np.ones(k, dtype=bool)
    redundancy = np.zeros(k)
    for _ in range(min(limit, k)):
        gain = (1.0 - diversity) * relevance - diversity * redundancy / (1.0 + redundancy)
        gain[~free] = -np.inf
        pick = int(np.argmax(gain))
        chosen.append(pick)
        free[pick] = False
        redundancy += sim[pick]
    return np.asarray(chosen, dtype=np.int64)
