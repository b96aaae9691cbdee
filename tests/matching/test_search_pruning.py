"""The search index's shortcuts give exactly the exhaustive answers: partial sorts, sparse scoring, the cache.

A page of ``offset + limit`` results is picked with partitions instead of sorting every hit, the
whole-index text scores are built from the matching postings, names and descriptions only, and
a cached text is intersected with the filters; each is compared here with the plain computation
on a generated catalogue (fixed seed) whose many equal scores, fees and distances make ties.
"""

from __future__ import annotations

import dataclasses
import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.matching import normalise
from matcher.matching.search_index import SearchIndex, _first, schedule_slots

from .test_search_index import QUERIES, make_listings
from tests.fuzzing import examples

SORT_TEXTS = [None, "fodbold", "klub", "børn", "hold", "fotbold", "dans og hiphop", "xylofon"]


@pytest.fixture(scope="module")
def catalogue():
    rng = random.Random(21)
    listings = [dataclasses.replace(
        x, gender=rng.choice([None, None, "girls", "boys"]), spots_free=rng.choice([None, 0, 2, 2, 5]),
        slots=schedule_slots([(x.weekdays, rng.choice([None, 600, 960, 1080]), None)]))
        for x in make_listings(3000, seed=21)]
    return {x.id: x for x in listings}, SearchIndex(listings)


@settings(max_examples=examples(200), deadline=None)
@given(columns=st.lists(st.lists(st.integers(0, 3), min_size=60, max_size=60), min_size=0, max_size=3),
       k=st.integers(0, 70))
def test_first_k_equal_a_stable_sort_with_ties(columns, k):
    keys = [np.asarray(c, dtype=np.float64) for c in columns]
    whole = np.lexsort(keys[::-1]) if keys else np.arange(60)
    assert _first(keys, 60, k).tolist() == whole[:k].tolist()


@pytest.mark.parametrize("text", [*QUERIES, "hold"])
def test_scores_of_the_whole_index_equal_scoring_every_row(catalogue, matcher, text):
    _, index = catalogue
    query, codes, guard = normalise(text), matcher.expand(text), matcher.name_guard(text)
    aliases = {"fodbold": {"fodbold", "street-soccer"}}
    dense = index.text_scores(query, codes, aliases, np.arange(len(index)), guard)
    pos, scores = index._score_all(query, codes, aliases, guard)
    assert pos.tolist() == np.flatnonzero(dense).tolist() and scores.tolist() == dense[pos].tolist()


def _expected_order(listings, hits, sort):
    """Order the exhaustive relevance hits by ``sort`` in Python (stable: relevance breaks ties)."""
    rows = list(zip(hits.ids, hits.scores, hits.distances, strict=True))
    if sort == "price":
        fee = lambda x: math.inf if x.monthly_fee_dkk is None else x.monthly_fee_dkk  # noqa: E731
        return sorted(rows, key=lambda r: fee(listings[r[0]]))
    if sort == "spots":
        return sorted(rows, key=lambda r: math.inf if listings[r[0]].spots_free is None else -listings[r[0]].spots_free)
    if sort == "distance":
        return sorted(rows, key=lambda r: 1e9 if r[2] is None else r[2])
    return rows


FILTERS = [{}, {"age": 10}, {"gender": "girl"}, {"daypart": "evening"}, {"free_only": True},
           {"district_id": 2, "kind": "activity"}]


@pytest.mark.parametrize("sort", ["relevance", "price", "spots", "distance"])
@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("place", [None, (55.70, 12.55, None), (55.70, 12.55, 6.0)])
def test_pages_picked_by_partition_equal_the_exhaustive_order(catalogue, matcher, sort, filters, place):
    listings, index = catalogue
    origin, max_km = (None, None) if place is None else ((place[0], place[1]), place[2])
    for text in SORT_TEXTS:
        query = None if text is None else normalise(text)
        codes = matcher.expand(text) if text else {}
        guard = matcher.name_guard(text) if text else None

        def page(offset, limit, order=sort):
            return index.search(query, codes, {}, mask=index.filter(**filters), origin=origin, max_km=max_km,
                                offset=offset, limit=limit, sort=order, name_guard=guard)

        whole = page(0, 10_000, "relevance")  # 10,000 > every hit count: one full stable sort
        expected = _expected_order(listings, whole, sort)
        for offset, limit in ((0, 1), (0, 20), (7, 13), (40, 25)):
            got = page(offset, limit)
            assert got.total == whole.total
            assert list(zip(got.ids, got.scores, got.distances, strict=True)) == expected[offset:offset + limit]


def test_a_cached_text_under_narrow_filters_and_distance_equals_scoring_afresh(catalogue, matcher):
    listings, _ = catalogue
    codes = matcher.expand("fotbold")
    searches = [dict(mask_args={"district_id": 3, "age": 10}, origin=None, max_km=None),
                dict(mask_args={}, origin=(55.70, 12.55), max_km=2.0),
                dict(mask_args={"gender": "boys-only"}, origin=(55.65, 12.50), max_km=None)]
    fresh = []
    for s in searches:  # each in an index that has cached nothing yet
        index = SearchIndex(listings.values())
        fresh.append(index.search("fotbold", codes, {}, mask=index.filter(**s["mask_args"]), origin=s["origin"],
                                  max_km=s["max_km"], limit=10_000))
    index = SearchIndex(listings.values())
    index.search("fotbold", codes, {}, limit=10)  # scores the whole index and caches the hits
    assert index._cache
    for s, before in zip(searches, fresh, strict=True):
        again = index.search("fotbold", codes, {}, mask=index.filter(**s["mask_args"]), origin=s["origin"],
                             max_km=s["max_km"], limit=10_000)
        assert (again.total, again.ids, again.scores, again.distances) == \
            (before.total, before.ids, before.scores, before.distances)
