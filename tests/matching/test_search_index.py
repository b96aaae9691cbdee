"""The search index: the same matches, scores and order as scoring every offer one by one."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from matcher.matching import normalise
from matcher.matching.distance import haversine_km
from matcher.matching.search_index import Listing, SearchIndex

from .match_factory import TERMS
from tests.fuzzing import examples

WORDS = ["fodbold", "pigefodbold", "boldklub", "eksempel", "svømning", "svømmehal", "dans", "hiphop", "gaming",
         "klub", "hold", "for", "børn", "unge", "café", "Østerbro", "Nørrebro", "kor", "korsang", "u12", "2200",
         "håndbold", "karate", "judo", "spejder", "kunst", "teater", "bager", "hjælper", "ridning", "heste"]
QUERIES = ["fodbold", "fotbold", "Fodbolt", "soccer", "boldklub", "eksempl boldklub", "kor", "korsang", "a", "ab",
           "børn", "kampsport", "u12", "!!!", "svømning", "café", "heste", "hjælper", "xylofon", "dans og hiphop",
           "Nørrebro", "bold", "klub hold", "2200"]
CODES = [t.code for t in TERMS]
STATUSES = ["active", "active", "active", "paused", "closed"]
KINDS = ["activity", "activity", "leisure-job", "mentoring"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def make_listings(n: int, seed: int) -> list[Listing]:
    rng = random.Random(seed)
    orgs = [" ".join(rng.sample(WORDS, rng.randint(1, 3))) for _ in range(max(1, n // 3))]
    out = []
    for i in range(n):
        age_min = rng.choice([None, rng.randint(4, 14)])
        located = rng.random() < 0.85
        out.append(Listing(
            id=1000 + i, status=rng.choice(STATUSES), kind=rng.choice(KINDS),
            title=" ".join(rng.sample(WORDS, rng.randint(1, 3))), organisation=rng.choice(orgs),
            description=rng.choice(["", "Et hold for børn og unge.", " ".join(rng.sample(WORDS, 5))]),
            interests=tuple(rng.sample(CODES, rng.randint(0, 3))), district_id=rng.choice([None, 1, 2, 3]),
            age_min=age_min, age_max=rng.choice([None, (age_min or 4) + rng.randint(0, 6)]),
            weekdays=tuple(rng.sample(DAYS, rng.randint(0, 3))),
            monthly_fee_dkk=rng.choice([None, 0.0, 0.0, 80.0, 250.0]), fee_support=rng.random() < 0.4,
            lat=55.6 + rng.random() * 0.2 if located else None, lon=12.4 + rng.random() * 0.3 if located else None))
    return out


def reference(listings, text, codes, aliases, *, statuses=("active",), kind=None, district_id=None, age=None,
              weekday=None, free_only=False, fee_support=False, origin=None, max_km=None):
    """Score and order every listing one by one, as the catalogue search did before the index."""
    offers = [x for x in listings if x.status in statuses]
    if district_id is not None:
        offers = [x for x in offers if x.district_id == district_id]
    if age is not None:
        offers = [x for x in offers if (x.age_min is None or x.age_min <= age) and (x.age_max is None or x.age_max >= age)]
    if kind:
        offers = [x for x in offers if x.kind == kind]
    if free_only and fee_support:
        offers = [x for x in offers if x.monthly_fee_dkk == 0 or x.fee_support]
    elif free_only:
        offers = [x for x in offers if x.monthly_fee_dkk == 0]
    elif fee_support:
        offers = [x for x in offers if x.fee_support]
    if weekday:
        offers = [x for x in offers if weekday in x.weekdays]
    scores = {}
    if text is not None:
        query = normalise(text)
        for x in offers:
            best = 0.0
            for code, confidence in codes.items():
                if set(x.interests) & set(aliases.get(code, {code})):
                    best = max(best, confidence)
            for name in (x.title, x.organisation):
                target = normalise(name)
                if query in target:
                    best = max(best, 1.0)
                elif len(query) >= 4:
                    score = fuzz.partial_ratio(query, target)
                    if score >= 82:
                        best = max(best, 0.9 * score / 100)
            if best == 0.0 and len(query) >= 4 and query in normalise(x.description):
                best = 0.5
            scores[x.id] = best
        offers = [x for x in offers if scores[x.id] > 0]
    distances = {}
    if origin is not None:
        located = [x for x in offers if x.lat is not None and x.lon is not None]
        if located:
            km = haversine_km(origin[0], origin[1], [x.lat for x in located], [x.lon for x in located])
            distances = {x.id: round(float(d), 1) for x, d in zip(located, km)}
        if max_km is not None:
            offers = [x for x in offers if x.id in distances and distances[x.id] <= max_km]
    offers.sort(key=lambda x: (-scores.get(x.id, 0.0), distances.get(x.id, 1e9), normalise(x.organisation),
                               normalise(x.title), x.id))
    return [(x.id, scores.get(x.id, 0.0), distances.get(x.id)) for x in offers]


def indexed(index, text, codes, aliases, *, origin=None, max_km=None, **filters):
    hits = index.search(None if text is None else normalise(text), codes, aliases, mask=index.filter(**filters),
                        origin=origin, max_km=max_km, offset=0, limit=10_000)
    return list(zip(hits.ids, hits.scores, hits.distances)), hits.total


@pytest.fixture(scope="module")
def listings_index():
    listings = make_listings(600, seed=4)
    return listings, SearchIndex(listings)


@pytest.mark.parametrize("text", [None, *QUERIES])
def test_text_matches_score_and_order_like_one_by_one(listings_index, matcher, text):
    listings, index = listings_index
    codes = matcher.expand(text) if text else {}
    aliases = {"fodbold": {"fodbold", "street-soccer"}}
    got, total = indexed(index, text, codes, aliases)
    assert got == reference(listings, text, codes, aliases) and total == len(got)


FILTERS = [
    {"statuses": ("active", "paused")}, {"kind": "leisure-job"}, {"district_id": 2}, {"age": 11}, {"age": 0},
    {"weekday": "tue"}, {"free_only": True}, {"fee_support": True}, {"free_only": True, "fee_support": True},
    {"kind": "activity", "age": 9, "weekday": "sat", "district_id": 1},
]


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("text", [None, "fodbold", "kor"])
def test_filters_match_one_by_one(listings_index, matcher, filters, text):
    listings, index = listings_index
    codes = matcher.expand(text) if text else {}
    assert indexed(index, text, codes, {}, **filters)[0] == reference(listings, text, codes, {}, **filters)


@pytest.mark.parametrize("max_km", [None, 0.5, 3.0, 8.0, 100.0])
@pytest.mark.parametrize("text", [None, "børn", "heste"])
def test_distance_filter_and_order(listings_index, matcher, max_km, text):
    listings, index = listings_index
    codes = matcher.expand(text) if text else {}
    origin = (55.70, 12.55)
    got, _ = indexed(index, text, codes, {}, origin=origin, max_km=max_km)
    assert got == reference(listings, text, codes, {}, origin=origin, max_km=max_km)
    if max_km is not None:
        assert all(d is not None and d <= max_km for _, _, d in got)


def test_pages_are_slices_of_the_whole_order(listings_index):
    _, index = listings_index
    whole = index.search("klub", {}, {}, offset=0, limit=10_000)
    page = index.search("klub", {}, {}, offset=5, limit=7)
    assert page.ids == whole.ids[5:12] and page.total == whole.total > 12


def test_a_narrow_filter_scores_only_what_it_left_and_agrees_with_the_cache(listings_index, matcher):
    listings, index = listings_index
    codes = matcher.expand("fotbold")
    narrow = index.filter(district_id=3, age=10)
    assert narrow.sum() * 4 < len(index)
    first = index.search("fotbold", codes, {}, mask=narrow, limit=10_000)
    index.search("fotbold", codes, {}, limit=10_000)  # scores the whole index and caches them
    again = index.search("fotbold", codes, {}, mask=narrow, limit=10_000)
    assert (first.ids, first.scores) == (again.ids, again.scores)
    assert list(zip(first.ids, first.scores, first.distances)) == reference(listings, "fotbold", codes, {},
                                                                            district_id=3, age=10)


def test_empty_catalogue_and_unknown_values():
    index = SearchIndex([])
    assert index.search("fodbold", {"fodbold": 1.0}, {}).total == 0
    index = SearchIndex(make_listings(20, seed=1))
    assert index.search(None, {}, {}, mask=index.filter(kind="circus")).total == 0
    assert index.search(None, {}, {}, mask=index.filter(statuses=("archived",))).total == 0


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.text(alphabet="abdefgiklnoprstuæøå 12", min_size=0, max_size=18),
       names=st.lists(st.text(alphabet="abdefgiklnoprstuæøå 12", min_size=0, max_size=30), min_size=1, max_size=8))
def test_prefilter_never_drops_a_name_rapidfuzz_would_match(query, names):
    listings = [Listing(i, "active", "activity", title, names[-1 - i % len(names)]) for i, title in enumerate(names)]
    index = SearchIndex(listings)
    got, _ = indexed(index, query, {}, {})
    assert got == reference(listings, query, {}, {})


def test_interest_codes_use_aliases_and_the_best_confidence():
    listings = [Listing(1, "active", "activity", "Hold A", "Klub", interests=("street-soccer",)),
                Listing(2, "active", "activity", "Hold B", "Klub", interests=("karate",))]
    index = SearchIndex(listings)
    codes = {"fodbold": 1.0, "karate": 0.8}
    hits = index.search("xyz", codes, {"fodbold": {"fodbold", "street-soccer"}})
    assert hits.ids == [1, 2] and hits.scores == [1.0, 0.8]
    assert index.search("xyz", codes, {}).ids == [2]  # without the mapping street-soccer is another interest


def test_index_modules_pull_in_neither_flask_nor_sqlalchemy():
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, matcher.matching.search_index, matcher.matching.keeper, matcher.matching.tfidf;"
            "print(','.join(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'werkzeug')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == ""


def test_an_index_read_back_from_a_file_answers_the_same(listings_index, matcher, tmp_path):
    from matcher.matching.store import IndexStore

    _, index = listings_index
    codes = matcher.expand("fotbold")
    index.search("fotbold", codes, {}, limit=10_000)  # fills the query cache, which is not stored
    store = IndexStore(tmp_path, "search")
    store.save("db", (1, "t"), index, 3.0)
    again, seconds = store.load("db", (1, "t"))
    assert seconds == 3.0 and not again._cache
    for text in (None, "fotbold", "kor"):
        c = matcher.expand(text) if text else {}
        assert indexed(again, text, c, {}, origin=(55.7, 12.55)) == indexed(index, text, c, {}, origin=(55.7, 12.55))


def _rows_as_built(index):
    """Return every per-row fact of an index with its string codes read as strings, and its postings by id."""
    out = {}
    for name, value in vars(index).items():
        if isinstance(value, np.ndarray) and value.shape[:1] == (index.n,) and name != "id_order_":
            if name in ("title_idx", "org_idx"):
                out[name] = [index.names.strings[i] for i in value.tolist()]
            elif name == "desc_idx":
                out[name] = [index.descriptions.strings[i] for i in value.tolist()]
            elif name in ("status", "kind"):
                labels = index._statuses if name == "status" else index._kinds
                out[name] = [labels[i] for i in value.tolist()]
            else:
                out[name] = [None if v != v else v for v in value.tolist()]  # NaN as None, to compare
    out["postings"] = {code: rows.tolist() for code, rows in index.postings.items()}
    return out


@pytest.mark.parametrize("seed", range(6))
def test_new_changed_and_deleted_listings_give_what_a_full_build_gives(matcher, seed):
    from dataclasses import replace

    from matcher.matching.index_update import update_search_index

    rng = random.Random(seed)
    listings = make_listings(300, seed=seed)
    index = SearchIndex(listings)
    before = _rows_as_built(index)
    current = {x.id: x for x in listings}
    fresh = make_listings(40, seed=seed + 100)
    for _ in range(3):  # three revisions, each applied to the index the previous one returned
        changed = []
        for x in rng.sample(list(current.values()), 15):  # new texts, interests, kinds and plain field changes
            which = rng.choice(["title", "organisation", "description", "interests", "status", "kind", "ids"])
            if which == "ids":
                changed.append(replace(x, spots_free=rng.randint(0, 5)))
            else:
                value = {"title": rng.choice(WORDS) + " hold", "organisation": rng.choice(WORDS).upper(),
                         "description": " ".join(rng.sample(WORDS, 4)), "interests": tuple(rng.sample(CODES, 2)),
                         "status": rng.choice(STATUSES), "kind": rng.choice(KINDS)}[which]
                changed.append(replace(x, **{which: value}))
        new = [replace(fresh.pop(), id=rng.choice([5, 999, 5000 + len(current)]) + len(current) * 7)
               for _ in range(5)]  # ids below, among and above the others
        new = list({x.id: x for x in new if x.id not in current}.values())
        gone = set(rng.sample(sorted(set(current) - {x.id for x in changed}), 6)) | {123_456}  # one never held
        for x in changed + new:
            current[x.id] = x
        for i in gone:
            current.pop(i, None)
        updated = update_search_index(index, changed + new, gone)
        expected = SearchIndex(list(current.values()))
        assert updated is not index  # rows moved: a new object (a search running on the old one is undisturbed)
        assert _rows_as_built(updated) == _rows_as_built(expected)
        for text in (None, "fodbold", "fotbold", "kor", "børn", "klub hold"):
            codes = matcher.expand(text) if text else {}
            for filters in ({}, {"statuses": ["active", "paused"], "kind": "activity"}, {"age": 9}):
                assert indexed(updated, text, codes, {}, origin=(55.7, 12.55), **filters) == \
                    indexed(expected, text, codes, {}, origin=(55.7, 12.55), **filters)
        index = updated
    assert _rows_as_built(SearchIndex(listings)) == before


def test_field_changes_alone_are_written_in_place():
    from dataclasses import replace

    from matcher.matching.index_update import update_search_index

    listings = make_listings(50, seed=9)
    index = SearchIndex(listings)
    assert update_search_index(index, [replace(listings[3], spots_free=0, status="closed")]) is index
    assert update_search_index(index, [], {listings[3].id}) is not index
