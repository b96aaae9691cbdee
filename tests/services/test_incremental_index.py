"""Indexes follow catalogue writes by the changed rows, and give what a full rebuild gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import numpy as np
import pytest
from sqlalchemy import delete, select

from matcher.catalogue.hsds_import import import_services, read_services
from matcher.catalogue.mentors_import import import_mentors
from matcher.catalogue.models import (
    CatalogueDeletion,
    CatalogueRevision,
    InterestTerm,
    Mentor,
    Offer,
    OfferSchedule,
    OfferStatus,
    Organisation,
)
from matcher.catalogue.revision import current_revision, deleted_since, record_deletions
from matcher.catalogue.search import SearchQuery, database_key, load_listings, search
from matcher.matching.search_index import SearchIndex
from matcher.runtime import runtime_of
from matcher.seeding import SEEDS_DIR
from matcher.services.matching import MatchService
from tests.databases import register
from tests.factories import make_offer
from tests.services.conftest import GIRL

PROFILES = [
    GIRL,
    {"age": 12, "gender": "boy", "interests": "fodbold og svømning", "postcode": "2200"},
    {"age": 15, "interests": "fritidsjob", "postcode": "2300"},
    {"age": 9, "interests": "", "district": "Valby"},
    {"age": 13, "interests": "kampsport", "postcode": "2400", "max_monthly_fee_dkk": 100},
]
QUERIES = [SearchQuery(), SearchQuery(text="fodbold"), SearchQuery(text="klub"), SearchQuery(age=11),
           SearchQuery(postcode="2500", max_km=20), SearchQuery(kind="leisure-job"), SearchQuery(free_only=True)]


def rankings(service: MatchService, session, ranker=None):
    ranker = ranker or service.ranker(session)
    out = []
    for profile in PROFILES:
        for kind in ("activity", "leisure-job", "mentor"):
            out.append(ranker.rank(dict(profile), kind=kind, limit=20, today=service.today()).to_dict())
    return out


def searches(session):
    return [[(r.id, r.score, r.distance_km) for r in search(session, q).rows] + [search(session, q).total]
            for q in QUERIES]


def load_demo_catalogue(session) -> None:
    """Import the demo catalogue (575 offers) and the demo mentors (what ``demo_catalogue`` holds)."""
    with (SEEDS_DIR / "demo_catalogue.json").open("rb") as fh:
        import_services(session, read_services(fh))
    import_mentors(session, (SEEDS_DIR / "mentors.csv").read_bytes())


register("demo_catalogue", "reference", load_demo_catalogue)


@pytest.fixture
def demo_catalogue(reference):
    """Return the reference session with the demo catalogue (575 offers) and mentors, committed (a template's copy)."""
    return reference


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    """Keep the ranker's TF-IDF rows in chunks of 64, so the demo catalogue's activities make several."""
    from matcher.matching import chunks

    monkeypatch.setattr(chunks, "CHUNK_ROWS", 64)


@pytest.fixture
def indexed(demo_catalogue):
    """The demo catalogue with both indexes built (the match index by a service of its own)."""
    service = MatchService(learn=False)
    service.ranker(demo_catalogue)
    searches(demo_catalogue)
    return demo_catalogue, service


def held(keeper, session):
    return keeper.peek(database_key(session))


def test_free_spots_and_status_are_applied_in_place_and_equal_a_full_rebuild(indexed):
    session, service = indexed
    ranker_before = held(service.indexes, session).value
    search_before = held(runtime_of(session).search.indexes, session).value
    offers = session.scalars(select(Offer).order_by(Offer.id)).all()
    offers[0].spots_free = 0
    offers[1].status = OfferStatus.paused
    offers[2].monthly_fee_dkk = 0
    with_schedule = next(o for o in offers if o.schedules)
    with_schedule.schedules[0].weekdays = ["sun"]
    mentor = session.scalars(select(Mentor).order_by(Mentor.id)).first()
    mentor.current_children = mentor.max_children
    session.commit()

    got_rankings, got_searches = rankings(service, session), searches(session)
    # The same objects were updated (no rebuild), and nothing waits for one.
    assert held(service.indexes, session).value is ranker_before
    assert held(runtime_of(session).search.indexes, session).value is search_before
    assert not held(service.indexes, session).stale and not held(runtime_of(session).search.indexes, session).stale

    fresh = MatchService(learn=False)
    assert got_rankings == rankings(fresh, session, fresh.fit(session))
    runtime_of(session).search.clear()
    assert got_searches == searches(session)
    assert held(runtime_of(session).search.indexes, session).value is not search_before  # that was a full build


def test_the_change_shows_in_the_next_answer(indexed):
    session, service = indexed
    top = service.match(session, GIRL).results[0].candidate
    offer = session.get(Offer, top.id)
    offer.spots_free = 0
    session.commit()
    result = service.match(session, GIRL)
    assert top.id not in [m.candidate.id for m in result.results]
    assert result.excluded.get("no_free_spots", 0) >= 1
    offer.status = OfferStatus.closed
    session.commit()
    assert top.id not in [r.id for r in search(session, SearchQuery()).rows]


def test_a_changed_text_or_a_new_offer_is_rebuilt_and_equals_a_full_rebuild(indexed):
    session, service = indexed
    ranker_before = held(service.indexes, session).value
    offer = session.scalars(select(Offer).order_by(Offer.id)).first()
    offer.title = "Pigefodbold for alle"
    org = session.scalars(select(Organisation).order_by(Organisation.id)).first()
    org.name = org.name + " af 1920"
    session.commit()
    got_rankings, got_searches = rankings(service, session), searches(session)
    assert held(service.indexes, session).value is not ranker_before  # a quick index is rebuilt at once
    fresh = MatchService(learn=False)
    assert got_rankings == rankings(fresh, session, fresh.fit(session))
    runtime_of(session).search.clear()
    assert got_searches == searches(session)


def test_a_slow_index_applies_what_it_can_and_rebuilds_the_rest_in_the_background(indexed):
    session, service = indexed
    keeper = service.indexes
    keeper.slow_seconds, keeper.refresh_interval, keeper.max_busy = 0.0, 3600.0, 0.0  # as if a fit took minutes
    before = held(keeper, session)
    offers = session.scalars(select(Offer).order_by(Offer.id)).all()
    offers[0].spots_free = 0
    offers[1].description = "Helt ny beskrivelse"
    session.commit()
    ranker = service.ranker(session)
    assert ranker is before.value  # answered at once from the updated index
    assert held(keeper, session).stale  # the description waits for a rebuild (rate-limited: not now)
    c = next(c for c in ranker.blocks_[("leisure-job" if offers[0].kind.value == "leisure-job" else "activity")]
             .candidates if c.id == offers[0].id)
    assert c.spots_free == 0


def test_taxonomy_edits_rebuild(indexed):
    session, service = indexed
    before = held(service.indexes, session).value
    term = session.scalars(select(InterestTerm).where(InterestTerm.code == "fodbold")).one()
    term.synonyms = [*term.synonyms, "fodbal"]
    session.commit()
    service.ranker(session)
    assert held(service.indexes, session).value is not before


def test_rows_are_stamped_with_the_revision_of_their_change(demo_catalogue):
    session = demo_catalogue
    offer = session.scalars(select(Offer).order_by(Offer.id)).first()
    assert offer.import_digest is not None
    untouched = session.scalars(select(Offer).order_by(Offer.id.desc())).first()
    before = untouched.changed_rev
    offer.spots_free = 3
    session.commit()
    rev = current_revision(session)
    session.refresh(offer)
    assert offer.changed_rev == rev and offer.import_digest is None  # an edit is no longer the imported record
    session.refresh(untouched)
    assert untouched.changed_rev == before
    schedule = session.scalars(select(OfferSchedule).where(OfferSchedule.offer_id == untouched.id)).first()
    if schedule is not None:
        session.expunge(untouched)
        schedule.description = "Ny tid"
        session.commit()
        assert session.get(Offer, untouched.id).changed_rev == current_revision(session)
    # load_listings has no order (PostgreSQL returns rows as they lie on disk): compare the lowest id
    assert sorted(x.id for x in load_listings(session, since=rev - 1))[:1] == [offer.id]


def test_search_index_patch_equals_a_new_index(demo_catalogue):
    listings = load_listings(demo_catalogue)
    index = SearchIndex(listings)
    from dataclasses import replace

    from matcher.matching.index_update import patch_search_index

    changed = [replace(listings[0], status="closed", age_min=3, age_max=4, weekdays=("sun",), monthly_fee_dkk=0.0,
                       district_id=None, lat=None, lon=None)]
    assert patch_search_index(index, changed)
    expected = SearchIndex(changed + listings[1:])
    arrays = [name for name, value in vars(expected).items() if isinstance(value, np.ndarray)]
    assert {"age_min", "weekdays", "lat", "free"} <= set(arrays)
    for name in arrays:
        if name in ("status", "kind"):  # codes into the index's own list of names
            names = getattr(index, "_statuses" if name == "status" else "_kinds")
            names_expected = getattr(expected, "_statuses" if name == "status" else "_kinds")
            assert [names[i] for i in getattr(index, name)] == [names_expected[i] for i in value_of(expected, name)]
        else:
            np.testing.assert_array_equal(getattr(index, name), getattr(expected, name), err_msg=name)
    assert (index.filter(statuses=["closed"]) == expected.filter(statuses=["closed"])).all()
    assert not patch_search_index(index, [replace(listings[0], title="Noget andet")])


def value_of(index, name):
    return getattr(index, name)


def test_a_restart_reads_the_newest_index_file_and_applies_the_rows_changed_since(indexed, tmp_path, monkeypatch):
    from matcher.matching.store import IndexStore

    session, service = indexed
    store = IndexStore(tmp_path / "cache", "match")
    built = held(service.indexes, session)
    store.save(database_key(session), built.revision, built.value, 30.0)  # as if it took half a minute
    offer = session.scalars(select(Offer).order_by(Offer.id)).first()
    offer.spots_free = 0
    session.commit()

    def never(*_args, **_kwargs):
        raise AssertionError("refitted although the index file and the changed rows suffice")

    restarted = MatchService(learn=False)
    restarted.indexes.store = store
    monkeypatch.setattr(MatchService, "fit", never)
    got = rankings(restarted, session)
    monkeypatch.undo()
    ranker = held(restarted.indexes, session).value
    assert any(c.id == offer.id and c.spots_free == 0 for block in ranker.blocks_.values() for c in block.candidates)
    fresh = MatchService(learn=False)
    assert got == rankings(fresh, session, fresh.fit(session))


# -- new offers, text and interest changes, deletions: by the changed rows, never a full rebuild ----------

def _offers(session):
    return session.scalars(select(Offer).where(Offer.status == OfferStatus.active).order_by(Offer.id)).all()


def _top_for_girl(session, service):
    return service.match(session, GIRL).results[0].candidate.id


def new_offer(session, service):
    org = session.scalars(select(Organisation).order_by(Organisation.id)).first()
    offer = make_offer(session, org, "Klatrefodbold for piger", interests=["fodbold"], age_min=8, age_max=14,
                       monthly_fee_dkk=0, gender="girls", postcode="2500", description="Fodbold og klatring i Valby")
    return {"new_offers": {offer.id}}


def new_mentor(session, service):
    mentor = Mentor(name="Fodboldmentor Aisha", interests=["fodbold", "lektier"], postcode="2500", age_min=8,
                    age_max=16, weekdays=["tue", "thu"], languages=["da", "ar"], max_children=2, current_children=0,
                    childcert_valid_until=dt.date(2030, 1, 1), approved=True)
    session.add(mentor)
    session.flush()
    return {"new_mentors": {mentor.id}}


def changed_title(session, service):
    _offers(session)[3].title = "Pigefodbold for alle"
    return {}


def changed_description(session, service):
    _offers(session)[4].description = "Fodbold, svømning og klatring for alle piger i Valby"
    return {}


def changed_interests(session, service):
    offer = _offers(session)[5]
    offer.interests = session.scalars(select(InterestTerm).where(InterestTerm.code.in_(["fodbold", "dans"]))).all()
    return {}


def changed_organisation_name(session, service):
    org = session.scalars(select(Organisation).order_by(Organisation.id)).first()
    org.name = org.name + " af 1920"
    return {}


def deleted_offer(session, service):
    top = _top_for_girl(session, service)
    session.delete(session.get(Offer, top))
    return {"gone_offers": {top}}


def deleted_mentor(session, service):
    mentor = session.scalars(select(Mentor).order_by(Mentor.id)).first()
    session.delete(mentor)
    return {"gone_mentors": {mentor.id}}


def a_mix(session, service):
    out: dict[str, set] = {}
    for change in (deleted_offer, new_offer, new_mentor, changed_title, changed_description, changed_interests,
                   changed_organisation_name, deleted_mentor):
        for key, ids in change(session, service).items():
            out.setdefault(key, set()).update(ids)
    offers = _offers(session)
    offers[7].spots_free = 0  # and the everyday field changes in the same transaction
    offers[8].status = OfferStatus.paused
    return out


CHANGES = [new_offer, new_mentor, changed_title, changed_description, changed_interests, changed_organisation_name,
           deleted_offer, deleted_mentor, a_mix]


def _as_if_slow(keeper) -> None:
    """Make ``keeper`` behave as for a national catalogue: answer from the updated index, rebuild only later."""
    keeper.slow_seconds, keeper.refresh_interval, keeper.max_busy = 0.0, 3600.0, 0.0


def _same_block(got, expected, kind):
    """Assert two ranker blocks hold the same candidates in the same order with the same per-row facts."""
    assert got.candidates == expected.candidates, kind
    for f in dataclasses.fields(expected):
        value = getattr(expected, f.name)
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(getattr(got, f.name), value, err_msg=f"{kind}.{f.name}")
    assert (got.incidence != expected.incidence).nnz == 0, kind
    assert (got.tfidf is None) == (expected.tfidf is None), kind


def _texts_as_fitted(ranker, kind):
    """Assert a block's TF-IDF rows are the fitted vectoriser's vectors of its documents, and its transpose theirs."""
    block = ranker.blocks_[kind]
    if block.tfidf is None:
        return
    assert block.tfidf.shape[0] == len(block)
    want = ranker.vectorizer_.transform([ranker._document(c) for c in block.candidates])
    assert abs(block.tfidf.tocsr() - want).max() < 1e-6, kind
    if kind == "activity":
        assert len(block.tfidf.parts) > 3, kind  # the changes below meet chunk boundaries
    for part, part_t in zip(block.tfidf.parts, block.tfidf.parts_t, strict=True):
        assert 0 < part.shape[0] <= 2 * 64, kind
        assert (part_t != part.T).nnz == 0, kind
        assert part_t.has_sorted_indices, kind  # rows in position order, as ranking sums them


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_every_kind_of_change_is_applied_by_the_changed_rows_and_equals_a_full_rebuild(indexed, change):
    session, service = indexed
    search_keeper = runtime_of(session).search.indexes
    _as_if_slow(service.indexes)
    _as_if_slow(search_keeper)
    builds = (search_keeper.builds, service.indexes.builds)
    ids = change(session, service)
    session.commit()

    got_searches = searches(session)
    ranker = service.ranker(session)
    got_rankings = rankings(service, session, ranker)
    # Both indexes were brought up to date by the changed rows: nothing was built.
    assert (search_keeper.builds, service.indexes.builds) == builds
    assert search_keeper.updates >= 1 and service.indexes.updates >= 1
    assert held(search_keeper, session).revision == held(service.indexes, session).revision
    # Search is exact at once: it equals a fresh full build of the catalogue.
    assert not held(search_keeper, session).stale
    runtime_of(session).search.clear()
    assert got_searches == searches(session)
    assert search_keeper.builds == builds[0] + 1  # that was a full build

    # Match: every offer and mentor is where a refit puts it, with the same facts, at once ...
    fresh = MatchService(learn=False)
    refit = fresh.fit(session)
    assert ranker.codes_ == refit.codes_
    for kind, block in refit.blocks_.items():
        _same_block(ranker.blocks_[kind], block, kind)
        _texts_as_fitted(ranker, kind)  # new rows get the fitted idf; the others keep their vectors
    proposed = {(m["kind"], m["id"]) for result in got_rankings for m in result["results"]}
    gone = {("mentor", i) for i in ids.get("gone_mentors", ())} | \
        {(k, i) for i in ids.get("gone_offers", ()) for k in ("activity", "leisure-job")}
    assert not proposed & gone  # a deleted offer or mentor is never proposed
    for i in ids.get("new_offers", ()):
        assert ("activity", i) in proposed  # the new girls' football team is proposed at once
    for i in ids.get("new_mentors", ()):
        assert ("mentor", i) in proposed
    # ... and its TF-IDF weights (fitted on the whole catalogue) are made exact by the background refit.
    # (An organisation's name is not part of the ranker's documents: that change is exact in place.)
    assert held(service.indexes, session).stale == (change is not changed_organisation_name)
    service.indexes.refresh_interval = 0.0
    service.ranker(session)  # starts the background refit
    deadline = time.monotonic() + 120
    while held(service.indexes, session).stale and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not held(service.indexes, session).stale
    assert rankings(service, session) == rankings(fresh, session, refit)


def test_a_deleted_offer_or_mentor_is_logged_with_its_revision(indexed):
    session, service = indexed
    offer = _offers(session)[0]
    mentor = session.scalars(select(Mentor).order_by(Mentor.id)).first()
    before = current_revision(session)
    session.delete(offer)
    session.delete(mentor)
    session.commit()
    rev = current_revision(session)
    assert rev == before + 1
    gone = deleted_since(session, before)
    assert gone["offer"] == {offer.id} and gone["mentor"] == {mentor.id}
    assert deleted_since(session, rev) == {"offer": set(), "mentor": set(), "organisation": set()}
    # A deletion no longer asks every index for a rebuild.
    assert session.scalar(select(CatalogueRevision.structure_rev)) < rev
    assert session.scalar(select(CatalogueDeletion.rev).where(CatalogueDeletion.row_id == offer.id)) == rev


def test_an_organisation_deleted_by_a_statement_takes_its_offers_out_of_both_indexes(indexed):
    session, service = indexed
    search_keeper = runtime_of(session).search.indexes
    _as_if_slow(service.indexes)
    builds = (search_keeper.builds, service.indexes.builds)
    org = session.get(Organisation, _offers(session)[0].organisation_id)
    offer_ids = set(session.scalars(select(Offer.id).where(Offer.organisation_id == org.id)))
    record_deletions(session, "organisation", [org.id])  # before the statement: it reads the offers to log
    session.execute(delete(Organisation).where(Organisation.id == org.id))
    session.commit()
    assert not session.scalars(select(Offer.id).where(Offer.id.in_(offer_ids))).all()  # deleted by cascade
    assert deleted_since(session, current_revision(session) - 1)["offer"] == offer_ids
    got = searches(session)
    ranker = service.ranker(session)
    assert (search_keeper.builds, service.indexes.builds) == builds
    assert not offer_ids & {c.id for kind in ("activity", "leisure-job") for c in ranker.blocks_[kind].candidates}
    runtime_of(session).search.clear()
    assert got == searches(session)


def test_successive_updates_keep_the_indexes_as_a_refit_would_hold_them(indexed):
    session, service = indexed
    search_keeper = runtime_of(session).search.indexes
    _as_if_slow(service.indexes)
    _as_if_slow(search_keeper)
    builds = (search_keeper.builds, service.indexes.builds)
    for round_ in range(3):  # each update starts from the index the previous one made
        offers = _offers(session)
        session.delete(offers[10 + round_])
        offers[20 + round_].title = f"Fodbold hold {round_}"
        offers[30 + round_].description = "Svømning og dans"
        new_offer(session, service)
        session.commit()
        got = searches(session)
        ranker = service.ranker(session)
        assert (search_keeper.builds, service.indexes.builds) == builds
        refit = MatchService(learn=False).fit(session)
        for kind, block in refit.blocks_.items():
            _same_block(ranker.blocks_[kind], block, kind)
            _texts_as_fitted(ranker, kind)
        index = held(search_keeper, session).value
        runtime_of(session).search.clear()
        assert got == searches(session)
        search_keeper.put(database_key(session), held(search_keeper, session).revision, index, 30.0)
        builds = (search_keeper.builds, service.indexes.builds)


def test_many_changed_rows_at_once_transpose_the_merged_matrix_and_give_the_same(indexed, monkeypatch):
    from matcher.matching import index_update

    monkeypatch.setattr(index_update, "_FEW_ENTRIES", 0)  # as if thousands of rows had changed
    session, service = indexed
    _as_if_slow(service.indexes)
    builds = service.indexes.builds
    a_mix(session, service)
    session.commit()
    ranker = service.ranker(session)
    assert service.indexes.builds == builds
    refit = MatchService(learn=False).fit(session)
    for kind, block in refit.blocks_.items():
        _same_block(ranker.blocks_[kind], block, kind)
        _texts_as_fitted(ranker, kind)
