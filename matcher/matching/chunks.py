"""A block's TF-IDF matrix kept as consecutive row chunks, each with its transpose.

At national scale the activity block's TF-IDF matrix and its transpose are about 0.5 GB each.
Held as one CSR matrix, every moved row (a new offer, a new text, a deletion) copied both into
fresh memory, and first touching that much fresh memory took seconds. In chunks of at most
``CHUNK_ROWS`` rows (fit) or ``2 * CHUNK_ROWS`` (after updates; a bigger chunk is split), an
update rewrites only the chunks whose rows change and shares the others with the old matrix.
Row numbers in a chunk's transpose are local to the chunk, so rows leaving or coming in before
a chunk only move its start.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import scipy.sparse as sp

__all__ = ["CHUNK_ROWS", "RowChunks"]

#: Rows per chunk when a block is fitted (up to twice as many after updates, then split).
CHUNK_ROWS = 65_536


class RowChunks:
    """An (n, F) sparse matrix as consecutive row chunks: ``parts[k]`` (CSR) holds rows ``starts[k]:starts[k + 1]``.

    ``parts_t[k]`` is the transpose of ``parts[k]`` (CSR, F rows, local row numbers in ascending
    order in each of its rows). Never changed once made: an update makes a new object that shares
    the chunks it does not touch, so a rank running meanwhile keeps reading a consistent matrix.
    """

    __slots__ = ("parts", "parts_t", "starts", "shape")

    def __init__(self, parts: Sequence[sp.csr_matrix], parts_t: Sequence[sp.csr_matrix | None] | None = None):
        """Hold ``parts`` (non-empty CSR chunks, in order) and their transposes (made where None or not given)."""
        parts = tuple(parts)
        if parts_t is None:
            parts_t = (None,) * len(parts)
        if not parts or len(parts_t) != len(parts) or any(p.shape[0] == 0 for p in parts):
            raise ValueError("at least one chunk, no empty chunk, one transpose per chunk")
        self.parts = parts
        self.parts_t = tuple(t if t is not None else p.T.tocsr() for p, t in zip(parts, parts_t))
        self.starts = np.concatenate([[0], np.cumsum([p.shape[0] for p in parts], dtype=np.int64)])
        self.shape = (int(self.starts[-1]), int(parts[0].shape[1]))

    @classmethod
    def split(cls, matrix: sp.csr_matrix, size: int | None = None) -> RowChunks:
        """Return ``matrix`` in chunks of ``size`` rows (``CHUNK_ROWS``; the last one may be shorter)."""
        size = size or CHUNK_ROWS
        n = matrix.shape[0]
        return cls([matrix[a:min(a + size, n)] for a in range(0, n, size)])

    def transposes(self) -> Iterator[tuple[sp.csr_matrix, int, int]]:
        """Yield each chunk's transpose with the chunk's first and end row."""
        for t, a, b in zip(self.parts_t, self.starts[:-1].tolist(), self.starts[1:].tolist()):
            yield t, a, b

    def take(self, positions: np.ndarray) -> sp.csr_matrix:
        """Return the rows at ``positions`` (in that order) as one CSR matrix, as ``matrix[positions]`` gives them."""
        positions = np.asarray(positions, dtype=np.int64)
        which = np.searchsorted(self.starts, positions, side="right") - 1
        indices, data, lengths = [], [], []
        for p, k in zip(positions.tolist(), which.tolist()):
            part = self.parts[k]
            i = p - int(self.starts[k])
            lo, hi = part.indptr[i], part.indptr[i + 1]
            indices.append(part.indices[lo:hi])
            data.append(part.data[lo:hi])
            lengths.append(hi - lo)
        indptr = np.zeros(len(positions) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        first = self.parts[0]
        dtype = first.indices.dtype
        return sp.csr_matrix((np.concatenate(data) if data else first.data[:0],
                              np.concatenate(indices).astype(dtype, copy=False) if indices else first.indices[:0],
                              indptr.astype(dtype, copy=False)), shape=(len(positions), self.shape[1]))

    def tocsr(self) -> sp.csr_matrix:
        """Return the whole matrix as one CSR matrix (a copy)."""
        return sp.vstack(self.parts, format="csr")
