"""Apply changed catalogue rows to built search and match indexes in place, instead of rebuilding them.

A change that leaves what an index derived from texts untouched (free spots, status, fees, ages,
schedules, places, the inclusion flags: what clubs change day to day) is written into the
index's per-row arrays at the row's position, so the result equals a full rebuild. A change that
would move a row or alter its texts (a new offer, a new title or description, other interests)
is reported as not applied; the caller then rebuilds in the background.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import numpy as np

from .features import build_block
from .ranker import Ranker
from .rules import effective_fee
from .search_index import Listing, SearchIndex
from .text import normalise
from .types import Candidate

__all__ = ["patch_ranker", "patch_search_index"]

# Arrays of a SearchIndex that refer to its string tables or identify rows; never patched.
_SEARCH_FIXED = {"ids", "title_idx", "org_idx", "desc_idx"}
# Categorical arrays of a SearchIndex: codes into a list of names.
_SEARCH_CODES = {"status": "_statuses", "kind": "_kinds"}
# Block fields derived from texts and interests, or caches; never patched.
_BLOCK_FIXED = {"candidates", "incidence", "incidence_t", "tfidf", "tfidf_t", "eff_fee", "static"}


def _positions(index, ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Return the position of each wanted id in ``ids`` (-1 when absent); the id order is kept on ``index``."""
    if not len(ids):
        return np.full(len(wanted), -1)
    order = getattr(index, "id_order_", None)
    if order is None or len(order) != len(ids):
        order = index.id_order_ = np.argsort(ids, kind="stable")
    pos = order[np.minimum(np.searchsorted(ids, wanted, sorter=order), len(ids) - 1)]
    return np.where(ids[pos] == wanted, pos, -1)


def _codes_at(index: SearchIndex, pos: int) -> set[str]:
    """Return the interest codes the index holds for the row at ``pos``."""
    out = set()
    for code, rows in index.postings.items():
        k = int(np.searchsorted(rows, pos))
        if k < len(rows) and rows[k] == pos:
            out.add(code)
    return out


def patch_search_index(index: SearchIndex, listings: Iterable[Listing]) -> bool:
    """Write changed listings into ``index`` in place; return False when some need a rebuild.

    Listings whose folded organisation name, title and description and whose interests are
    what the index holds are applied; the others (and new listings) are left for a rebuild.
    """
    listings = list(listings)
    if not listings:
        return True
    positions = _positions(index, index.ids, np.array([x.id for x in listings], dtype=np.int64))
    strings, texts = index.names.strings, index.descriptions.strings
    complete = True
    for x, pos in zip(listings, positions.tolist(), strict=True):
        if pos < 0 or strings[index.org_idx[pos]] != normalise(x.organisation) \
                or strings[index.title_idx[pos]] != normalise(x.title) \
                or texts[index.desc_idx[pos]] != normalise(x.description) or _codes_at(index, pos) != set(x.interests):
            complete = False
            continue
        one = SearchIndex([x])
        for name, value in vars(one).items():
            target = getattr(index, name, None)
            if name in _SEARCH_FIXED or not isinstance(value, np.ndarray) or not isinstance(target, np.ndarray) \
                    or value.shape[:1] != (1,) or target.shape[:1] != (index.n,):
                continue
            if name in _SEARCH_CODES:
                names = getattr(index, _SEARCH_CODES[name])
                label = getattr(one, _SEARCH_CODES[name])[int(value[0])]
                if label not in names:
                    names.append(label)  # filter() looks names up in this list, so appending keeps old codes
                target[pos] = names.index(label)
            else:
                target[pos] = value[0]
    return complete


def patch_ranker(ranker: Ranker, candidates: Iterable[Candidate]) -> bool:
    """Write changed candidates into a fitted ranker in place; return False when some need a refit.

    A candidate is applied when it is already in the block of its kind with the same TF-IDF
    document and interests (so the text matrices and the interest incidence stay exact).
    """
    complete = True
    touched = set()
    for c in candidates:
        block = ranker.blocks_.get(c.kind)
        if block is None:
            complete = False
            continue
        where = getattr(block, "positions_", None)
        if where is None or len(where) != len(block.candidates):
            where = block.positions_ = {cand.id: i for i, cand in enumerate(block.candidates)}
        i = where.get(c.id)
        old = block.candidates[i] if i is not None else None
        if old is None or old.interests != c.interests or ranker._document(old) != ranker._document(c):
            complete = False
            continue
        one = build_block([c], ranker.code_index_)
        for f in dataclasses.fields(block):
            if f.name in _BLOCK_FIXED:
                continue
            target, value = getattr(block, f.name), getattr(one, f.name)
            if isinstance(target, np.ndarray) and isinstance(value, np.ndarray) and target.shape[:1] == (len(block),):
                target[i] = value[0]
        if c.kind != "activity" and np.isnan(block.fee[i]):
            block.fee[i] = 0.0  # as in fit: leisure jobs and mentor relations cost nothing unless priced
        block.eff_fee[i] = effective_fee(block.fee[i:i + 1], block.fee_support[i:i + 1])[0]
        block.candidates[i] = c
        touched.add(c.kind)
    for kind in touched:
        ranker.blocks_[kind].static = None  # profile-independent scores are recomputed on the next rank
    return complete
