"""Apply changed catalogue rows to built search and match indexes, instead of rebuilding them.

A change that leaves what an index derived from texts untouched (free spots, status, fees, ages,
schedules, places, the inclusion flags: what clubs change day to day) is written into the
index's per-row arrays at the row's position, in place, so the result equals a full rebuild.

A new offer, a changed title, description, organisation name or interests, and a deleted offer
or mentor move rows: the rows are taken out and the new ones put in at the position a full build
gives them (the search index orders by folded organisation name, title and id; the ranker's
blocks by id). Such an update builds a new index object from the old arrays and the new rows (a
search or rank running meanwhile keeps reading the old one), so the caller holds the returned
object. A ranker block's TF-IDF rows are held in row chunks (``chunks.RowChunks``): only the
chunks whose rows change are rebuilt, the new block shares the others with the old one.

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

from . import chunks
from .chunks import RowChunks
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
_BLOCK_FIXED = {"candidates", "incidence", "incidence_t", "tfidf", "eff_fee", "static"}
# Attributes of a SearchIndex that are not per-row arrays and that ``update_search_index`` knows how to carry over.
_SEARCH_KNOWN = {"n", "_statuses", "_kinds", "names", "descriptions", "postings", "_cache", "_cache_lock",
                 "id_order_"}
#: Entries of leaving and new rows up to which a transpose is patched (beyond: the merged matrix is transposed).
_FEW_ENTRIES = 200_000
# Sparse matrices of a Block (rows = candidates) held whole, and their transposes (the TF-IDF is in chunks).
_BLOCK_SPARSE = {"incidence": "incidence_t"}


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
        i = _block_position(block, c.id)
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

def _block_ids(block) -> np.ndarray:
    """Return the ids of a block's candidates (kept on the block: blocks are replaced, never grown)."""
    ids = getattr(block, "ids_", None)
    if ids is None or len(ids) != len(block.candidates):
        ids = block.ids_ = np.fromiter((c.id for c in block.candidates), dtype=np.int64, count=len(block))
    return ids


def _block_position(block, candidate_id: int) -> int | None:
    """Return the position of a candidate in its block (in id order, as fit makes it), or None."""
    ids = _block_ids(block)
    i = int(np.searchsorted(ids, candidate_id))
    if i < len(ids) and ids[i] == candidate_id:
        return i
    hit = np.flatnonzero(ids == candidate_id)  # a block not in id order (never made by fit)
    return int(hit[0]) if len(hit) else None


class _Merge:
    """How the rows of an index change: old rows kept (``keep``), new rows inserted before kept positions ``inserts``.

    The result is described as pieces in order, runs of consecutive old rows ``(True, a, b)`` and
    runs of new rows ``(False, a, b)``, so each array is copied once, a slice per piece: a
    handful of changes in a national catalogue are a handful of slices.
    """

    def __init__(self, keep: np.ndarray, inserts: np.ndarray):
        self.keep, self.inserts = keep, inserts
        kept = np.flatnonzero(keep)
        self.kept = len(kept)
        bounds = np.unique(np.concatenate([[0, len(kept)], np.flatnonzero(np.diff(kept) != 1) + 1, inserts]))
        pieces, k = [], 0
        inserts = inserts.tolist()
        for s, e in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            k = self._new(pieces, inserts, k, s)
            pieces.append((True, int(kept[s]), int(kept[e - 1]) + 1))
        self._new(pieces, inserts, k, len(kept))
        self.pieces = pieces
        old = np.arange(len(kept))
        self.old_at = old + np.searchsorted(self.inserts, old, side="right")  # new positions of the kept rows
        self.new_at = self.inserts + np.arange(len(self.inserts))  # positions of the new rows
        dtype = np.int32 if len(keep) + len(inserts) < np.iinfo(np.int32).max else np.int64
        self.remap = np.full(len(keep), -1, dtype=dtype)  # old position -> new position, -1 when gone
        self.remap[kept] = self.old_at
        self._moves: bool | None = None

    @staticmethod
    def _new(pieces: list, inserts: list[int], k: int, before: int) -> int:
        start = k
        while k < len(inserts) and inserts[k] <= before:
            k += 1
        if k > start:
            pieces.append((False, start, k))
        return k

    @property
    def moves(self) -> bool:
        """Whether any kept row changes position (rows left before others, or rows came in before others)."""
        if self._moves is None:
            self._moves = bool((self.old_at != np.flatnonzero(self.keep)).any())
        return self._moves

    def rows(self, old, new):
        """Return the merged rows of two arrays (along the first axis) or lists."""
        if isinstance(old, list):
            out: list = []
            for is_old, a, b in self.pieces:
                out.extend(old[a:b] if is_old else new[a:b])
            return out
        new = np.asarray(new).astype(old.dtype, copy=False)
        return np.concatenate([old[a:b] if is_old else new[a:b] for is_old, a, b in self.pieces] or [old[:0]])

    def sparse(self, old: sp.csr_matrix, new: sp.csr_matrix) -> sp.csr_matrix:
        """Return the merged rows of two CSR matrices with the same columns."""
        parts_i, parts_d, parts_n = [], [], []
        for is_old, a, b in self.pieces:
            m = old if is_old else new
            lo, hi = m.indptr[a], m.indptr[b]
            parts_i.append(m.indices[lo:hi])
            parts_d.append(m.data[lo:hi].astype(old.dtype, copy=False))
            parts_n.append(np.diff(m.indptr[a:b + 1]))
        n = self.kept + new.shape[0]
        lengths = np.concatenate(parts_n) if parts_n else np.zeros(0, dtype=np.int64)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        dtype = old.indices.dtype if indptr[-1] < np.iinfo(np.int32).max else np.int64
        indices = np.concatenate(parts_i).astype(dtype, copy=False) if parts_i else np.zeros(0, dtype=dtype)
        data = np.concatenate(parts_d) if parts_d else np.zeros(0, dtype=old.dtype)
        return sp.csr_matrix((data, indices, indptr.astype(dtype, copy=False)), shape=(n, old.shape[1]))

    def sparse_t(self, old_t: sp.csr_matrix, old: sp.csr_matrix, new: sp.csr_matrix) -> sp.csr_matrix | None:
        """Return the transpose of ``sparse(old, new)`` from ``old_t`` = old.T (CSR), without transposing all rows.

        The entries of the rows that leave are found through their own columns (``old``) by a binary
        search in each column's row of ``old_t`` (rows of a transpose are in position order), the new
        rows' entries are put in at their place in position order, and everything in between is copied
        once as slices; positions are renumbered only when rows move. None when so many entries
        change that transposing the merged matrix is quicker (more than ``_FEW_ENTRIES``).
        """
        indptr, indices, data = old_t.indptr.astype(np.int64), old_t.indices, old_t.data
        n_rows = old_t.shape[0]
        gone = np.flatnonzero(~self.keep)
        if int((old.indptr[gone + 1] - old.indptr[gone]).sum()) + new.nnz > _FEW_ENTRIES:
            return None
        found = self._entries(indptr, indices, old, gone)
        dead = found if found is not None else np.flatnonzero(~self.keep[indices])
        dead_per_row = np.bincount(np.searchsorted(indptr, dead, side="right") - 1, minlength=n_rows)
        coo = new.tocoo()
        cols, rows = coo.col.astype(np.int64), coo.row.astype(np.int64)
        order = np.lexsort((rows, cols))
        cols, rows, values = cols[order], rows[order], coo.data[order].astype(data.dtype, copy=False)
        kept = np.flatnonzero(self.keep)
        # A new row inserted before kept row j comes after the old entries of the rows before kept[j].
        limit = np.append(kept, len(self.keep))[self.inserts[rows]] if len(rows) else rows
        at = np.array([indptr[g] + np.searchsorted(indices[indptr[g]:indptr[g + 1]], t)
                       for g, t in zip(cols.tolist(), limit.tolist())], dtype=np.int64)
        new_indices = self.new_at[rows].astype(indices.dtype, copy=False)
        # Splice: old entries up to each event (an entry dropped or new entries put in), once.
        events = sorted([(int(d), 1, 0, 0) for d in dead.tolist()] +
                        [(int(a), 0, int(i), int(i) + 1) for i, a in enumerate(at.tolist())])
        moves = self.moves

        def kept_entries(lo, hi):  # renumbered when rows move
            return self.remap[indices[lo:hi]].astype(indices.dtype, copy=False) if moves else indices[lo:hi]

        parts_i, parts_d, pos = [], [], 0
        for flat, is_dead, a, b in events:
            parts_i.append(kept_entries(pos, flat))
            parts_d.append(data[pos:flat])
            if is_dead:
                pos = flat + 1
            else:
                parts_i.append(new_indices[a:b])
                parts_d.append(values[a:b])
                pos = flat
        parts_i.append(kept_entries(pos, len(indices)))
        parts_d.append(data[pos:])
        indices, data = np.concatenate(parts_i), np.concatenate(parts_d)
        change = np.bincount(cols, minlength=n_rows) - dead_per_row
        indptr = indptr + np.concatenate([[0], np.cumsum(change)])
        dtype = old_t.indices.dtype if indptr[-1] < np.iinfo(np.int32).max else np.int64
        return sp.csr_matrix((data, indices.astype(dtype, copy=False), indptr.astype(dtype, copy=False)),
                             shape=(n_rows, self.kept + new.shape[0]))

    @staticmethod
    def _entries(indptr: np.ndarray, indices: np.ndarray, old: sp.csr_matrix, gone: np.ndarray) -> np.ndarray | None:
        """Return the flat positions in a transpose of the entries of rows ``gone``, or None to scan all entries."""
        out = []
        for r in gone.tolist():
            for g in old.indices[old.indptr[r]:old.indptr[r + 1]].tolist():
                lo, hi = indptr[g], indptr[g + 1]
                k = lo + int(np.searchsorted(indices[lo:hi], r))
                if k >= hi or indices[k] != r:
                    return None  # not in position order: scan
                out.append(k)
        return np.array(sorted(out), dtype=np.int64)


class _SearchKeys:
    """The search index's row order keys (folded organisation name, folded title, id), read lazily for bisect."""

    def __init__(self, strings: list[str], org: np.ndarray, title: np.ndarray, ids: np.ndarray):
        self.strings, self.org, self.title, self.ids = strings, org, title, ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: int) -> tuple[str, str, int]:
        return self.strings[self.org[i]], self.strings[self.title[i]], int(self.ids[i])


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
    listings = list({x.id: x for x in listings}.values())  # one row per offer, the last word wins
    if not gone and patch_search_index(index, listings):
        return index
    rows = {name for name, value in vars(index).items() if isinstance(value, np.ndarray)
            and value.shape[:1] == (index.n,) and name != "id_order_"}
    if set(vars(index)) - _SEARCH_KNOWN - rows:
        return None  # the index holds something new: rebuild rather than guess
    wanted = np.array(sorted({x.id for x in listings} | set(gone)), dtype=np.int64)
    positions = _positions(index, index.ids, wanted)
    keep = np.ones(index.n, dtype=bool)
    keep[positions[positions >= 0]] = False
    one = SearchIndex(listings)
    kept = np.flatnonzero(keep)
    keys = _SearchKeys(index.names.strings, index.org_idx[kept], index.title_idx[kept], index.ids[kept])
    inserts = np.array([bisect.bisect_left(keys, (one.names.strings[o], one.names.strings[t], i))
                        for o, t, i in zip(one.org_idx.tolist(), one.title_idx.tolist(), one.ids.tolist())],
                       dtype=np.int64)
    merge = _Merge(keep, inserts)
    out = copy.copy(index)  # a new object: its cache starts empty (positions move)
    out.__dict__.pop("id_order_", None)
    out.names = _extend_strings(index.names, one.names)
    out.descriptions = _extend_strings(index.descriptions, one.descriptions)
    out._statuses, out._kinds = list(index._statuses), list(index._kinds)
    shift = {"title_idx": len(index.names.strings), "org_idx": len(index.names.strings),
             "desc_idx": len(index.descriptions.strings)}
    for name in rows:
        value, new = getattr(index, name), getattr(one, name)
        if name in shift:
            new = new + shift[name]
        elif name in _SEARCH_CODES:
            names, theirs = getattr(out, _SEARCH_CODES[name]), getattr(one, _SEARCH_CODES[name])
            for label in theirs:
                if label not in names:
                    names.append(label)
            new = np.array([names.index(theirs[c]) for c in new.tolist()], dtype=value.dtype)
        setattr(out, name, merge.rows(value, new))
    empty = np.empty(0, dtype=np.int64)
    postings = {}
    for code in index.postings.keys() | one.postings.keys():
        old = index.postings.get(code, empty)
        if merge.moves:
            old = merge.remap[old]
            old = old[old >= 0]
        rows_of = np.concatenate([old, merge.new_at[one.postings.get(code, empty)]])
        if len(rows_of):
            postings[code] = np.sort(rows_of) if len(one.postings.get(code, empty)) else rows_of
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
    patch_ranker(ranker, inplace)  # every one of them fits: applied exactly
    done = {(c.kind == "mentor", c.id) for c in inplace}
    moved = [c for c in candidates if (c.kind == "mentor", c.id) not in done]
    leaving = {False: {i for i in offers if (False, i) not in done} | {c.id for c in moved if c.kind != "mentor"},
               True: {i for i in mentors if (True, i) not in done} | {c.id for c in moved if c.kind == "mentor"}}
    blocks = {}
    for kind, block in ranker.blocks_.items():
        ids = _block_ids(block)
        gone = leaving[kind == "mentor"]
        out = np.isin(ids, np.fromiter(gone, dtype=np.int64, count=len(gone))) if gone else np.zeros(len(ids), bool)
        added = sorted((c for c in moved if c.kind == kind), key=lambda c: c.id)
        if not out.any() and not added:
            continue
        if len(ids) > 1 and (np.diff(ids) <= 0).any():
            return None  # blocks are in id order as fit makes them; anything else is rebuilt
        new = _moved_block(ranker, kind, block, ids, ~out, added)
        if new is None:
            return None
        blocks[kind] = new
    for kind, block in blocks.items():
        ranker.blocks_[kind] = block  # one assignment each: a rank running meanwhile keeps its block
    if blocks:
        ranker.n_candidates_ = sum(len(b) for b in ranker.blocks_.values())
    return not blocks


def _fits_in_place(ranker: Ranker, c: Candidate) -> bool:
    """Return whether ``c`` is in its block already with the same TF-IDF document and interests."""
    block = ranker.blocks_.get(c.kind)
    i = None if block is None else _block_position(block, c.id)
    old = block.candidates[i] if i is not None else None
    return old is not None and old.interests == c.interests and ranker._document(old) == ranker._document(c)


def _moved_block(ranker: Ranker, kind: str, block, ids: np.ndarray, keep: np.ndarray, added: list[Candidate]):
    """Return a new block of ``block``'s kept rows and the ``added`` candidates in id order, or None."""
    added_ids = np.array([c.id for c in added], dtype=np.int64)
    merge = _Merge(keep, np.searchsorted(ids[keep], added_ids))
    one = build_block(added, ranker.code_index_)
    if kind != "activity":  # as in fit: leisure jobs and mentor relations cost nothing unless priced
        one.fee = np.where(np.isnan(one.fee), 0.0, one.fee)
    one.eff_fee = effective_fee(one.fee, one.fee_support)
    texts = None
    if added and ranker._tfidf_ok:
        texts = ranker.vectorizer_.transform([ranker._document(c) for c in added]).tocsr()
    n = len(block)
    changes = {"static": None, "candidates": merge.rows(block.candidates, added)}
    for f in dataclasses.fields(block):
        name, value = f.name, getattr(block, f.name)
        if name in ("candidates", "static") or name in _BLOCK_SPARSE.values():
            continue
        if name == "tfidf":
            if value is None and texts is None:
                continue
            if value is None:  # a block empty at fit time gets its first text rows
                if n:
                    return None
                changes[name] = RowChunks.split(texts)
            else:
                changes[name] = _merged_chunks(value, merge, texts)
        elif name in _BLOCK_SPARSE:
            merged = merge.sparse(value, one.incidence)
            transposed = getattr(block, _BLOCK_SPARSE[name])
            patched = None if not n else merge.sparse_t(transposed, value, one.incidence)
            changes[name], changes[_BLOCK_SPARSE[name]] = merged, merged.T.tocsr() if patched is None else patched
        elif isinstance(value, np.ndarray) and value.shape[:1] == (n,):
            changes[name] = merge.rows(value, getattr(one, name))
        elif value is not None:
            return None  # a field this function does not know: rebuild
    out = dataclasses.replace(block, **changes)
    out.ids_ = merge.rows(ids, added_ids)
    return out


def _merged_chunks(old: RowChunks, merge: _Merge, new: sp.csr_matrix | None) -> RowChunks | None:
    """Return the TF-IDF chunks after ``merge`` with the ``new`` rows, rebuilding only the chunks whose rows change.

    A new row goes into the chunk of the kept row before it (the first chunk when there is none),
    so a new offer with the highest id is appended to the last chunk. A chunk left without rows
    is dropped (None when none is left, as fit leaves an empty block); a chunk grown beyond twice
    ``CHUNK_ROWS`` is split as fit splits a block. The others are shared with ``old``.
    """
    if new is None:
        new = sp.csr_matrix((0, old.shape[1]), dtype=old.parts[0].dtype)
    kept_before = np.concatenate([[0], np.cumsum(merge.keep)])[old.starts]  # kept rows before each chunk
    owner = np.searchsorted(kept_before[1:], merge.inserts, side="left")  # the chunk of each new row
    first_new = np.searchsorted(owner, np.arange(len(old.parts) + 1))  # chunk k gets new rows first_new[k]:[k + 1]
    parts, parts_t = [], []
    for k, (part, part_t) in enumerate(zip(old.parts, old.parts_t)):
        a, b, i, j = int(old.starts[k]), int(old.starts[k + 1]), int(first_new[k]), int(first_new[k + 1])
        keep = merge.keep[a:b]
        if i == j and keep.all():
            parts.append(part)
            parts_t.append(part_t)
            continue
        rows = _Merge(keep, merge.inserts[i:j] - kept_before[k]).sparse(part, new[i:j])
        if rows.shape[0] > 2 * chunks.CHUNK_ROWS:
            pieces = RowChunks.split(rows)
            parts.extend(pieces.parts)
            parts_t.extend(pieces.parts_t)
        elif rows.shape[0]:
            parts.append(rows)
            parts_t.append(None)  # transposed by RowChunks: a chunk is small enough to transpose whole
    return RowChunks(parts, parts_t) if parts else None
