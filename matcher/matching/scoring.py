"""Soft score components, each a vectorised function returning values in [0, 1]."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .features import POPCOUNT, Block
from .distance import EARTH_RADIUS_KM
from .rules import effective_fee

__all__ = [
    "affordability",
    "distance_km",
    "freshness",
    "interest",
    "largest",
    "tfidf_similarity",
    "weekday_fit",
]

#: Share of the interest component that comes from taxonomy codes (the rest is TF-IDF text similarity).
CODE_SHARE = 0.75
#: Cosine similarity that counts as a full text match.
TFIDF_FULL = 0.35
#: Monthly fee (after support) at which affordability has fallen to 1/e.
FEE_SCALE_DKK = 250.0
#: ``largest`` first looks at every SAMPLE_STEP-th value (when that sample holds at least k values).
SAMPLE_STEP = 64


def distance_km(block: Block, lat: float, lon: float, rows: np.ndarray) -> np.ndarray:
    """Return great-circle distances in km from a point (degrees) to the candidates ``rows`` (NaN if unknown).

    The haversine's ``a = sin²(θ/2)`` is ``(1 − u·v) / 2`` for the two points' unit vectors ``u``
    and ``v`` (the block keeps each candidate's), so a distance costs one dot product and one
    arcsine. In float64, ``1 − u·v`` loses digits for points a few metres apart (as the
    cosine-difference form before it did), so a distance is within a metre of the haversine
    formula's (``distance.haversine_km``), far below the 0.1 km a reason shows.
    """
    p, q = np.radians(lat), np.radians(lon)
    a = block.ux[rows] * (np.cos(p) * np.cos(q))
    a += block.uy[rows] * (np.cos(p) * np.sin(q))
    a += block.uz[rows] * np.sin(p)
    np.subtract(1.0, a, out=a)
    a *= 0.5
    np.clip(a, 0.0, 1.0, out=a)
    d = (2.0 * EARTH_RADIUS_KM) * np.arcsin(np.sqrt(a, out=a), out=a)
    d[~block.has_loc[rows]] = np.nan
    return d


def gather_rows(matrix_t: sp.csr_matrix, cols: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Return ``matrix @ v`` for a sparse ``v`` (distinct ``cols``, their ``weights``): the rows of ``matrix.T`` it touches, summed.

    ``matrix_t[cols]`` copies only those rows (scipy's row indexing, in C), and its transpose's
    product adds them column by column in the order of ``cols``, as a ``bincount`` over their
    concatenation did, without building the concatenated indices and weights first.
    """
    if not len(cols):
        return np.zeros(matrix_t.shape[1])
    return matrix_t[cols].T @ weights


def largest(values: np.ndarray, k: int) -> np.ndarray:
    """Return the positions of ``k`` largest values (in no particular order), as ``argpartition`` finds them.

    At national scale a full ``argpartition`` of ~900,000 scores was a fifth of a ranking. The k-th
    largest of every ``SAMPLE_STEP``-th value is a threshold that at least k values reach (those
    sampled), so every value above the k-th largest of all is at or above it; only the values
    that reach it (about ``SAMPLE_STEP * k``) are partitioned. Ties at the k-th value may be
    picked differently than a full ``argpartition`` would.
    """
    n = len(values)
    if k >= n:
        return np.arange(n)
    sample = values[::SAMPLE_STEP]
    if len(sample) <= k:
        return np.argpartition(values, n - k)[n - k:]
    threshold = np.partition(sample, len(sample) - k)[len(sample) - k]
    reach = np.flatnonzero(values >= threshold)
    if len(reach) < k:  # only a NaN can be reached by fewer: no threshold then
        return np.argpartition(values, n - k)[n - k:]
    part = values[reach]
    return reach[np.argpartition(part, len(part) - k)[len(part) - k:]]


def distance_component(dist: np.ndarray | None, m: int, scale_km: float) -> np.ndarray:
    """Return ``exp(-d / scale)``; 0.5 where either location is unknown."""
    if dist is None:
        return np.full(m, 0.5)
    unknown = np.isnan(dist)
    out = np.exp(np.where(unknown, 0.0, dist) * (-1.0 / scale_km))
    out[unknown] = 0.5
    return out


def tfidf_similarity(block: Block, cols: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Return the cosine of a query TF-IDF vector (column ids and weights) with every candidate of the block."""
    if block.tfidf is None or not len(cols):
        return np.zeros(len(block))
    out = np.empty(len(block))
    for part_t, a, b in block.tfidf.transposes():  # each row's sum adds the columns in the same order as unchunked
        out[a:b] = gather_rows(part_t, cols, weights)
    return out


def interest(block: Block, code_vec: np.ndarray, query: tuple[np.ndarray, np.ndarray] | None,
             rows: np.ndarray, muted: np.ndarray | None = None) -> np.ndarray:
    """Blend taxonomy-code overlap (3/4) and TF-IDF similarity (1/4) for ``rows``; 0.5 if nothing asked.

    ``muted`` (one bool per row) zeroes the text part where letters are shared with another real
    term only ("brydning" for "ridning").
    """
    m = len(rows)
    if query is None and not code_vec.any():
        return np.full(m, 0.5)
    if query is None:
        text = np.zeros(m)
    else:
        text = np.clip(tfidf_similarity(block, *query)[rows] * (1.0 / TFIDF_FULL), 0.0, 1.0)
    if muted is not None:
        text[muted] = 0.0
    top = code_vec.max() if code_vec.size else 0.0
    if top <= 0:
        return text
    cols = np.flatnonzero(code_vec)
    overlap = gather_rows(block.incidence_t, cols, code_vec[cols])[rows]
    code = np.minimum(overlap * (1.0 / top), 1.0)
    return CODE_SHARE * code + (1.0 - CODE_SHARE) * text


def weekday_fit(block: Block, child_mask: int, rows: np.ndarray) -> np.ndarray:
    """Return the share of the offer's days the child can attend (1 if either side gave no days)."""
    if child_mask == 0:
        return np.ones(len(rows))
    days = block.weekdays[rows]
    total = POPCOUNT[days]
    both = POPCOUNT[days & np.uint8(child_mask)]
    return np.where(total > 0, both / np.maximum(total, 1.0), 1.0)


def affordability(block: Block) -> np.ndarray:
    """Return 1 for free or fully support-covered offers, decaying with the fee; 0.5 if unknown."""
    eff = effective_fee(block.fee, block.fee_support)
    unknown = np.isnan(eff)
    out = np.exp(np.where(unknown, 0.0, eff) * (-1.0 / FEE_SCALE_DKK))
    out[unknown] = 0.5
    return out


def freshness(block: Block, today_ord: int, freshness_days: int) -> np.ndarray:
    """Return 1 for listings verified within ``freshness_days``, decaying after; 0.3 if never verified."""
    age = (today_ord - block.verified_ord).astype(np.float64)
    over = np.maximum(age - freshness_days, 0.0)
    out = np.exp(-over / max(freshness_days, 1))
    out[block.verified_ord < 0] = 0.3
    return out
