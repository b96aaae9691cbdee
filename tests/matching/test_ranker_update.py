"""Moved rows rewrite only the TF-IDF chunks they touch, and rank exactly as one unchunked matrix would."""

from __future__ import annotations

import dataclasses
import random
import sys
import threading

import numpy as np
import pytest
import scipy.sparse as sp

from matcher.matching import Ranker, chunks
from matcher.matching.chunks import RowChunks
from matcher.matching.index_update import update_ranker

from .match_factory import N_LAT, N_LON, TERMS, TODAY, make_candidate

WORDS = ("fodbold", "hold", "klub", "dans", "hiphop", "svømning", "ridning", "musik", "band", "spejder", "gaming",
         "for begyndere", "for piger", "juniorer", "åbent hus", "træning", "kor", "skak", "klatring")
PROFILES = [
    {"age": 10, "interests": "fodbold", "postcode": "2200"},
    {"age": 12, "interests": "musik og dans", "postcode": "2200"},
    {"age": 9, "interests": "skak eller klatring", "district": "Nørrebro"},
    {"age": 14, "interests": "IKKE fodbold, hellere gaming", "postcode": "2200", "max_distance_km": 30},
    {"age": 11, "interests": ""},
]
SMALL = 7  # rows per chunk in these tests, so a few dozen offers make many chunks


def _candidate(rng: random.Random, id_: int, **overrides):
    words = rng.sample(WORDS, 3)
    return make_candidate(id=id_, external_id=f"x-{id_}", name=" ".join(words[:2]).capitalize(),
                          description=f"{words[2]} for børn, hold {id_}",
                          interests=tuple(rng.sample([t.code for t in TERMS], rng.randint(0, 2))),
                          lat=N_LAT + rng.uniform(-0.05, 0.05), lon=N_LON + rng.uniform(-0.05, 0.05),
                          age_min=rng.choice([None, 6, 8]), age_max=rng.choice([None, 14, 17]), **overrides)


def _catalogue(n=60, seed=3):
    rng = random.Random(seed)
    return [_candidate(rng, 10 * (i + 1)) for i in range(n)]  # ids 10, 20, ...: room for new ids in between


def _fit(candidates, rows, monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK_ROWS", rows)
    return Ranker(interest_matcher=TERMS, today=TODAY).fit(candidates)


def _ranked(ranker):
    return [[(m.candidate.id, m.score, m.moved_up, tuple(sorted(m.components.items())), tuple(m.reasons))
             for m in ranker.rank(dict(p), kind="activity", limit=20).results] for p in PROFILES]


def _same_matrix(a: sp.csr_matrix, b: sp.csr_matrix) -> None:
    assert a.shape == b.shape
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.data, b.data)


def _check_chunks(text: RowChunks, limit: int) -> None:
    for part, part_t in zip(text.parts, text.parts_t, strict=True):
        assert 0 < part.shape[0] <= 2 * limit
        assert (part_t != part.T).nnz == 0 and part_t.has_sorted_indices


def _middle_of_chunk(ranker, k):
    return ranker.blocks_["activity"].candidates[int(ranker.blocks_["activity"].tfidf.starts[k]) + 2]


def _steps(rng):
    """Changes as (candidates, deleted offer ids), each a function of the ranker's activity block as it is then."""
    def block(r):
        return r.blocks_["activity"]

    def edge(r, k, last=False):  # the first (or last) row of chunk k
        starts = block(r).tfidf.starts
        return block(r).candidates[int(starts[k + 1]) - 1 if last else int(starts[k])]

    return [
        # a new offer with the highest id: appended to the last chunk
        lambda r: ([_candidate(rng, 10_000)], []),
        # a new offer between the last row of chunk 1 and the first of chunk 2: ends chunk 1
        lambda r: ([_candidate(rng, edge(r, 1, last=True).id + 1)], []),
        # a new offer before every other: starts chunk 0
        lambda r: ([_candidate(rng, 1)], []),
        # the last row of a chunk deleted, the first row of the next one retitled
        lambda r: ([dataclasses.replace(edge(r, 3), name="Zykelpolo")], [edge(r, 2, last=True).id]),
        # every row of chunk 4 deleted: the chunk is dropped, the later ones move up
        lambda r: ([], [c.id for c in block(r).candidates[int(block(r).tfidf.starts[4]):
                                                           int(block(r).tfidf.starts[5])]]),
        # new interests in the middle of one chunk and a new description in another, at once
        lambda r: ([dataclasses.replace(_middle_of_chunk(r, 0), interests=("dans",)),
                    dataclasses.replace(_middle_of_chunk(r, 5), description="Klatring og skak")], []),
        # many new offers at the end: the last chunk grows past twice its size and is split
        lambda r: ([_candidate(rng, 20_000 + i) for i in range(3 * SMALL)], []),
    ]


def test_moved_rows_in_small_chunks_give_the_matrix_and_rankings_of_one_chunk(monkeypatch):
    candidates = _catalogue()
    chunked, whole = _fit(candidates, SMALL, monkeypatch), _fit(candidates, 10**9, monkeypatch)
    assert len(chunked.blocks_["activity"].tfidf.parts) > 5 and len(whole.blocks_["activity"].tfidf.parts) == 1
    assert _ranked(chunked) == _ranked(whole)
    for step in _steps(random.Random(5)):
        before = chunked.blocks_["activity"].tfidf
        changed, gone = step(chunked)  # the same change to both
        monkeypatch.setattr(chunks, "CHUNK_ROWS", SMALL)
        assert update_ranker(chunked, changed, offers=gone) is False  # moved rows: a refit is due
        monkeypatch.setattr(chunks, "CHUNK_ROWS", 10**9)
        assert update_ranker(whole, changed, offers=gone) is False

        text, one = chunked.blocks_["activity"].tfidf, whole.blocks_["activity"].tfidf
        assert len(one.parts) == 1
        _check_chunks(text, SMALL)
        _same_matrix(text.tocsr(), one.parts[0])
        assert text.shape[0] == len(chunked.blocks_["activity"])
        # Only the chunks with changed rows were rebuilt (at most two here, or the pieces of a split one).
        fresh = sum(not any(p is q for q in before.parts) for p in text.parts)
        assert fresh <= max(2, len(text.parts) - len(before.parts) + 1)
        assert [c.id for c in chunked.blocks_["activity"].candidates] == \
            [c.id for c in whole.blocks_["activity"].candidates]
        assert _ranked(chunked) == _ranked(whole)


def test_deleting_the_rows_of_every_chunk_leaves_no_text_matrix_as_fit_does(monkeypatch):
    candidates = _catalogue(20)
    ranker = _fit(candidates, SMALL, monkeypatch)
    update_ranker(ranker, [], offers=[c.id for c in candidates[:SMALL]])  # exactly the first chunk
    text = ranker.blocks_["activity"].tfidf
    assert len(text.parts) == 2 and text.shape[0] == 20 - SMALL
    update_ranker(ranker, [], offers=[c.id for c in candidates])
    assert ranker.blocks_["activity"].tfidf is None and len(ranker.blocks_["activity"]) == 0
    assert ranker.rank(dict(PROFILES[0]), kind="activity").results == []
    update_ranker(ranker, [candidates[3]])  # the block's first text rows again
    assert ranker.blocks_["activity"].tfidf.shape[0] == 1
    assert [m.candidate.id for m in ranker.rank(dict(PROFILES[4]), kind="activity").results] == [candidates[3].id]


def test_rows_taken_from_chunks_equal_the_rows_of_the_whole_matrix():
    rng = np.random.default_rng(0)
    matrix = sp.random(50, 30, density=0.2, format="csr", dtype=np.float32, random_state=1)
    text = RowChunks.split(matrix, 8)
    assert [p.shape[0] for p in text.parts] == [8] * 6 + [2]
    positions = np.array([49, 0, 7, 8, 8, 23, 48, *rng.integers(0, 50, 20)])
    got, want = text.take(positions), matrix[positions]
    _same_matrix(got, want)
    assert got.dtype == want.dtype and got.indices.dtype == want.indices.dtype
    _same_matrix(text.tocsr(), matrix)
    with pytest.raises(ValueError):
        RowChunks([matrix[:3], matrix[3:3]])


def test_a_rank_running_while_updates_swap_the_block_sees_the_old_or_the_new_block(monkeypatch):
    candidates = _catalogue()
    monkeypatch.setattr(chunks, "CHUNK_ROWS", SMALL)
    steps = [step for step in _steps(random.Random(9))]
    profile = dict(PROFILES[0])

    def ranking(r):
        return [(m.candidate.id, m.score) for m in r.rank(dict(profile), kind="activity", limit=20).results]

    reference = Ranker(interest_matcher=TERMS, today=TODAY).fit(candidates)
    changes, states = [], {tuple(ranking(reference))}
    for step in steps:  # the rankings of every state the updates go through
        changes.append(step(reference))
        update_ranker(reference, *changes[-1])
        states.add(tuple(ranking(reference)))
    assert len(states) > 3

    ranker = Ranker(interest_matcher=TERMS, today=TODAY).fit(candidates)
    seen, done, errors = [], threading.Event(), []

    def rank_meanwhile():
        try:
            while not done.is_set():
                seen.append(tuple(ranking(ranker)))
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, inside rank and inside the update
    thread = threading.Thread(target=rank_meanwhile)
    try:
        thread.start()
        for changed, gone in changes:
            update_ranker(ranker, changed, gone)
        done.set()
        thread.join(60)
    finally:
        done.set()
        sys.setswitchinterval(interval)
    assert not errors and seen
    assert set(seen) <= states  # never a mix of an old and a new block
    assert tuple(ranking(ranker)) == tuple(ranking(reference))
