"""Indexes follow catalogue writes by the changed rows, and give what a full rebuild gives."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from matcher.catalogue.hsds_import import import_services, read_services
from matcher.catalogue.mentors_import import import_mentors
from matcher.catalogue.models import InterestTerm, Mentor, Offer, OfferSchedule, OfferStatus, Organisation
from matcher.catalogue.revision import current_revision
from matcher.catalogue.search import SearchQuery, database_key, load_listings, search
from matcher.matching.search_index import SearchIndex
from matcher.runtime import runtime_of
from matcher.seeding import SEEDS_DIR
from matcher.services.matching import MatchService
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


@pytest.fixture
def demo(reference):
    """Return the reference session with the demo catalogue (575 offers) and mentors, committed."""
    with (SEEDS_DIR / "demo_catalogue.json").open("rb") as fh:
        import_services(reference, read_services(fh))
    import_mentors(reference, (SEEDS_DIR / "mentors.csv").read_bytes())
    reference.commit()
    return reference


@pytest.fixture
def indexed(demo):
    """The demo catalogue with both indexes built (the match index by a service of its own)."""
    service = MatchService(learn=False)
    service.ranker(demo)
    searches(demo)
    return demo, service


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


def test_rows_are_stamped_with_the_revision_of_their_change(demo):
    session = demo
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
    assert [x.id for x in load_listings(session, since=rev - 1)][:1] == [offer.id]


def test_search_index_patch_equals_a_new_index(demo):
    listings = load_listings(demo)
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
