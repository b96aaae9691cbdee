"""Apply changed catalogue rows to built search and match indexes, instead of rebuilding them.

A change that leaves what an index derived from texts untouched (free spots, status, fees, ages,
schedules, places, the inclusion flags: what clubs change day to day) is written into the
index's per-row arrays at the row's position, in place, so the result equals a full rebuild.

A new offer, a changed title, description, organisation name or interests, and a deleted offer
or mentor move rows: the rows are taken out and the new ones put in at the position a full build
gives them (the search index orders by folded organisation name, title and id; the ranker's
blocks by id). Such an update builds a new index object from the old arrays and the new rows (a
search or rank running meanwhile keeps reading the old one), so the caller holds the returned
object.

- The search index derives nothing across rows: the result equals a full rebuild exactly.
- The ranker's TF-IDF weights are fitted on the whole catalogue (a new document changes the
  document frequencies, hence the idf and the norm of every row). New rows get the vectors of the
  fitted vocabulary and idf (``CharTfidf.transform``), the other rows keep theirs: every offer is
  where it belongs (a new one is ranked, a deleted one never proposed) and its scores are close
  to a refit's, and the update reports "not exact" so the caller refits in the background.
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
from collections.abc import Collection, Iterable

import numpy as np
import scipy.sparse as sp

from .features import build_block
from .ranker import Ranker
from .rules import effective_fee
from .search_index import Listing, SearchIndex
from .text import normalise
from .types import Candidate

__all__ = ["patch_ranker", "patch_search_index", "update_ranker", "update_search_index"]

# Arrays of a SearchIndex that refer to its string tables or identify rows; never patched.
_SEARCH_FIXED = {"ids", "title_idx", "org_idx", "desc_idx"}
# Categorical arrays of a SearchIndex: codes into a list of names.
_SEARCH_CODES = {"status": "_statuses", "kind": "_kinds"}
# Block fields derived from texts and interests, or caches; never patched.
_BLOCK_FIXED = {"candidates", "incidence", "incidence_t", "tfidf", "tfidf_t", "eff_fee", "static"}
# Attributes of a SearchIndex that are not per-row arrays and that ``update_search_index`` knows how to carry over.
_SEARCH_KNOWN = {"n", "_statuses", "_kinds", "names", "descriptions", "postings", "_cache", "_cache_lock",
                 "id_order_"}
# Sparse matrices of a Block (rows = candidates) and their transposes.
_BLOCK_SPARSE = {"incidence": "incidence_t", "tfidf": "tfidf_t"}


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


# ---------------------------------------------------------------------- moving rows

def _merge_positions(kept: int, inserts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the new positions of ``kept`` old rows and of rows inserted before ``inserts`` (np.insert's indices)."""
    old = np.arange(kept)
    return old + np.searchsorted(inserts, old, side="right"), inserts + np.arange(len(inserts))


def _merge_rows(old: np.ndarray, keep: np.ndarray, inserts: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Return ``old``'s kept rows with ``new``'s rows inserted before positions ``inserts`` (of the kept rows)."""
    return np.insert(old[keep], inserts, new.astype(old.dtype, copy=False), axis=0)


def _merge_sparse(old: sp.csr_matrix, keep: np.ndarray, inserts: np.ndarray, new: sp.csr_matrix) -> sp.csr_matrix:
    """Return ``_merge_rows`` for CSR matrices (same columns)."""
    kept = old[np.flatnonzero(keep)]
    if not new.shape[0]:
        return kept.tocsr()
    old_at, new_at = _merge_positions(kept.shape[0], inserts)
    stacked = sp.vstack([kept, new.astype(old.dtype)], format="csr")
    order = np.empty(stacked.shape[0], dtype=np.int64)
    order[np.concatenate([old_at, new_at])] = np.arange(stacked.shape[0])
    return stacked[order].tocsr()


class _SearchKeys:
    """The search index's row order keys (folded organisation name, folded title, id), read lazily for bisect."""

    def __init__(self, strings: list[str], org: np.ndarray, title: np.ndarray, ids: np.ndarray):
        self.strings, self.org, self.title, self.ids = strings, org.tolist(), title.tolist(), ids.tolist()

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: int) -> tuple[str, str, int]:
        return self.strings[self.org[i]], self.strings[self.title[i]], self.ids[i]


def _extend_strings(table, more):
    """Return a copy of a string table (``search_index._Strings``) with ``more``'s strings appended."""
    out = copy.copy(table)
    size = len(table.strings)
    for name, value in vars(table).items():
        extra = getattr(more, name)
        if isinstance(value, list):
            setattr(out, name, value + extra)
        elif isinstance(value, np.ndarray) and value.shape[:1] == (size,):
            setattr(out, name, np.concatenate([value, extra.astype(value.dtype, copy=False)]))
        else:
            raise TypeError(f"cannot extend the string table's {name!r}")
    return out


def update_search_index(index: SearchIndex, listings: Iterable[Listing],
                        gone: Collection[int] = ()) -> SearchIndex | None:
    """Return ``index`` with the changed ``listings`` applied and the offers ``gone`` removed; None to rebuild.

    Field changes are written in place (the same object is returned). Otherwise a new index is
    returned that equals ``SearchIndex`` of the resulting listings: every per-row array, the
    order of the rows and the interest postings as a full build makes them (its string tables may
    hold a few strings no row refers to any more, which no search can return). None when the
    index holds something this function does not know how to carry over.
    """
    listings = list(listings)
    if not gone and patch_search_index(index, listings):
        return index
    if set(vars(index)) - _SEARCH_KNOWN - {name for name, value in vars(index).items()
                                          if isinstance(value, np.ndarray) and value.shape[:1] == (index.n,)}:
        return None  # an index holds something new: rebuild rather than guess
    wanted = np.array(sorted({x.id for x in listings} | set(gone)), dtype=np.int64)
    positions = _positions(index, index.ids, wanted)
    keep = np.ones(index.n, dtype=bool)
    keep[positions[positions >= 0]] = False
    one = SearchIndex(listings)
    keys = _SearchKeys(index.names.strings, index.org_idx[keep], index.title_idx[keep], index.ids[keep])
    inserts = np.array([bisect.bisect_left(keys, (one.names.strings[o], one.names.strings[t], i))
                        for o, t, i in zip(one.org_idx.tolist(), one.title_idx.tolist(), one.ids.tolist())],
                       dtype=np.int64)
    out = copy.copy(index)  # a new object: its cache starts empty (positions move)
    out.__dict__.pop("id_order_", None)
    out.names = _extend_strings(index.names, one.names)
    out.descriptions = _extend_strings(index.descriptions, one.descriptions)
    out._statuses, out._kinds = list(index._statuses), list(index._kinds)
    shift = {"title_idx": len(index.names.strings), "org_idx": len(index.names.strings),
             "desc_idx": len(index.descriptions.strings)}
    for name, value in vars(index).items():
        if not (isinstance(value, np.ndarray) and value.shape[:1] == (index.n,)) or name == "id_order_":
            continue
        new = getattr(one, name)
        if name in shift:
            new = new + shift[name]
        elif name in _SEARCH_CODES:
            names, theirs = getattr(out, _SEARCH_CODES[name]), getattr(one, _SEARCH_CODES[name])
            for label in theirs:
                if label not in names:
                    names.append(label)
            new = np.array([names.index(theirs[c]) for c in new.tolist()], dtype=value.dtype)
        setattr(out, name, _merge_rows(value, keep, inserts, new))
    old_at, new_at = _merge_positions(int(keep.sum()), inserts)
    remap = np.full(index.n, -1, dtype=np.int64)
    remap[keep] = old_at
    postings = {}
    for code in index.postings.keys() | one.postings.keys():
        rows = remap[index.postings.get(code, np.empty(0, dtype=np.int64))]
        rows = np.sort(np.concatenate([rows[rows >= 0], new_at[one.postings.get(code, np.empty(0, dtype=np.int64))]]))
        if len(rows):
            postings[code] = rows
    out.postings = postings
    out.n = len(out.ids)
    return out


def update_ranker(ranker: Ranker, candidates: Iterable[Candidate], offers: Collection[int] = (),
                  mentors: Collection[int] = ()) -> bool | None:
    """Bring a fitted ranker up to date by the changed candidates; return True when exact, False when a refit is due.

    ``candidates`` are the changed offers and mentors as they are now; ``offers`` and ``mentors``
    the ids of every changed or deleted offer and mentor (an offer that is no longer a candidate,
    e.g. deleted or turned into a mentoring programme, leaves its block). Field changes are
    written in place; moved rows give each touched block a new ``Block`` (see the module
    docstring: their TF-IDF vectors use the fitted idf, so the result is not exact and False is
    returned). None when a block holds something this function does not know how to carry over.
    """
    candidates = list(candidates)
    inplace = [c for c in candidates if _fits_in_place(ranker, c)]
    if not patch_ranker(ranker, inplace):
        return None  # cannot happen: only candidates that fit were given
    done = {(c.kind == "mentor", c.id) for c in inplace}
    moved = [c for c in candidates if (c.kind == "mentor", c.id) not in done]
    gone = {(False, i) for i in offers} | {(True, i) for i in mentors}
    leaving = {key for key in gone if key not in done} | {(c.kind == "mentor", c.id) for c in moved}
    exact = True
    blocks = {}
    for kind, block in ranker.blocks_.items():
        ids = np.fromiter((c.id for c in block.candidates), dtype=np.int64, count=len(block))
        mentor = kind == "mentor"
        out = np.array([(mentor, i) in leaving for i in ids.tolist()], dtype=bool) if leaving else np.zeros(len(ids), bool)
        added = sorted((c for c in moved if c.kind == kind), key=lambda c: c.id)
        if not out.any() and not added:
            continue
        if len(ids) > 1 and (np.diff(ids) <= 0).any():
            return None  # blocks are in id order as fit makes them; anything else is rebuilt
        new = _moved_block(ranker, kind, block, ~out, added)
        if new is None:
            return None
        blocks[kind] = new
        exact = False
    for kind, block in blocks.items():
        ranker.blocks_[kind] = block  # one assignment each: a rank running meanwhile keeps its block
    if blocks:
        ranker.n_candidates_ = sum(len(b) for b in ranker.blocks_.values())
    return exact


def _fits_in_place(ranker: Ranker, c: Candidate) -> bool:
    """Return whether ``c`` is in its block already with the same TF-IDF document and interests."""
    block = ranker.blocks_.get(c.kind)
    if block is None:
        return False
    where = getattr(block, "positions_", None)
    if where is None or len(where) != len(block.candidates):
        where = block.positions_ = {cand.id: i for i, cand in enumerate(block.candidates)}
    i = where.get(c.id)
    old = block.candidates[i] if i is not None else None
    return old is not None and old.interests == c.interests and ranker._document(old) == ranker._document(c)


def _moved_block(ranker: Ranker, kind: str, block, keep: np.ndarray, added: list[Candidate]):
    """Return a new block of ``block``'s kept rows and the ``added`` candidates in id order, or None."""
    kept_ids = np.fromiter((c.id for c, k in zip(block.candidates, keep.tolist()) if k), dtype=np.int64)
    inserts = np.searchsorted(kept_ids, np.array([c.id for c in added], dtype=np.int64))
    one = build_block(added, ranker.code_index_)
    if kind != "activity":  # as in fit: leisure jobs and mentor relations cost nothing unless priced
        one.fee = np.where(np.isnan(one.fee), 0.0, one.fee)
    one.eff_fee = effective_fee(one.fee, one.fee_support)
    texts = None
    if added and ranker._tfidf_ok:
        texts = ranker.vectorizer_.transform([ranker._document(c) for c in added]).tocsr()
    n = len(block)
    changes = {"static": None}
    old_at, new_at = _merge_positions(int(keep.sum()), inserts)
    candidates: list = [None] * (len(old_at) + len(added))
    for at, c in zip(old_at.tolist(), (c for c, k in zip(block.candidates, keep.tolist()) if k)):
        candidates[at] = c
    for at, c in zip(new_at.tolist(), added):
        candidates[at] = c
    changes["candidates"] = candidates
    for f in dataclasses.fields(block):
        name, value = f.name, getattr(block, f.name)
        if name in ("candidates", "static") or name in _BLOCK_SPARSE.values():
            continue
        if name in _BLOCK_SPARSE:
            new = one.incidence if name == "incidence" else texts
            if value is None and new is None:
                continue
            if value is None:  # a block empty at fit time gets its first text rows
                if n:
                    return None
                value = sp.csr_matrix((0, new.shape[1]), dtype=new.dtype)
            if new is None:
                new = sp.csr_matrix((0, value.shape[1]), dtype=value.dtype)
            merged = _merge_sparse(value, keep, inserts, new)
            if not merged.shape[0]:
                merged = None if name == "tfidf" else merged
            changes[name] = merged
            changes[_BLOCK_SPARSE[name]] = None if merged is None else merged.T.tocsr()
        elif isinstance(value, np.ndarray) and value.shape[:1] == (n,):
            changes[name] = _merge_rows(value, keep, inserts, getattr(one, name))
        elif value is not None:
            return None  # a field this function does not know: rebuild
    return dataclasses.replace(block, **changes)
