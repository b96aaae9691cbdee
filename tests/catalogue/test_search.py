"""Catalogue search on SQLite and PostgreSQL: listings read as columns, the index kept fresh, pages read live."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.catalogue import search as search_module
from matcher.catalogue.hsds_import import import_services
from matcher.catalogue.models import Offer, OfferSchedule
from matcher.catalogue.search import SearchQuery, load_listings, search, search_index

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def catalogue(reference):
    import_services(reference, json.loads((DATA / "hsds-3.1" / "danish-profile-example.json").read_text()))
    reference.commit()
    return reference


def titles(session, **kwargs) -> list[str]:
    return [r.title for r in search(session, SearchQuery(**kwargs)).rows]


def test_listings_carry_what_the_filters_and_text_need(catalogue):
    listings = {x.title: x for x in load_listings(catalogue)}
    football = listings["Pigefodbold U12"]
    offer = catalogue.scalars(select(Offer).where(Offer.title == "Pigefodbold U12")).one()
    assert (football.id, football.status, football.kind, football.organisation) == (
        offer.id, "active", "activity", "Eksempel Boldklub")
    assert football.interests == tuple(t.code for t in offer.interests) and "fodbold" in football.interests
    assert set(football.weekdays) == set(offer.weekdays) == {"tue", "thu"}
    assert (football.age_min, football.age_max, football.monthly_fee_dkk, football.fee_support) == (10, 12, 120.0, True)
    assert football.district_id == offer.district_id and football.lat == offer.lat


def test_search_reads_the_page_from_the_database(catalogue):
    rows = search(catalogue, SearchQuery(text="fotbold", postcode="2500")).rows
    assert [r.title for r in rows] == ["Pigefodbold U12"]
    assert rows[0].times == ["tir, tor 16:30–17:45"] and rows[0].interests and 0 < rows[0].distance_km < 5
    assert rows[0].score == 1.0  # "fotbold" is a known misspelling of the interest fodbold
    assert search(catalogue, SearchQuery(text="fodbold", limit=1, offset=1)).rows == []
    assert search(catalogue, SearchQuery(text="fodbold")).total == 1


def test_uncommitted_catalogue_changes_are_searched_by_their_own_session(catalogue):
    assert titles(catalogue, text="fodbold") == ["Pigefodbold U12"]
    offer = catalogue.scalars(select(Offer).where(Offer.title == "Pigefodbold U12")).one()
    offer.title = "Pigehåndbold U12"
    assert titles(catalogue, text="pigehaandbold") == ["Pigehåndbold U12"]  # this session's index
    catalogue.rollback()
    assert titles(catalogue, text="pigehaandbold") == []


def test_a_quick_index_follows_every_commit(catalogue):
    assert titles(catalogue, weekday="sun") == []
    offer = catalogue.scalars(select(Offer).where(Offer.title == "Pigefodbold U12")).one()
    offer.schedules.append(OfferSchedule(weekdays=["sun"]))
    catalogue.commit()
    assert titles(catalogue, weekday="sun") == ["Pigefodbold U12"]


def test_a_slow_index_is_rebuilt_in_the_background_while_pages_stay_current(catalogue, runtime, monkeypatch):
    assert titles(catalogue, text="fodbold") == ["Pigefodbold U12"]
    monkeypatch.setattr(runtime.search.indexes, "slow_seconds", 0.0)  # as if building took a minute
    monkeypatch.setattr(runtime.search.indexes, "refresh_interval", 0.0)
    monkeypatch.setattr(runtime.search.indexes, "max_busy", 0.0)
    built = threading.Event()
    load = search_module.load_listings

    def counted(session: Session):
        try:
            return load(session)
        finally:
            built.set()

    monkeypatch.setattr(search_module, "load_listings", counted)
    offer = catalogue.scalars(select(Offer).where(Offer.title == "Pigefodbold U12")).one()
    offer.spots_free, offer.fee_support = 2, False
    catalogue.commit()
    stale = search(catalogue, SearchQuery(fee_support=True)).rows
    assert [r.title for r in stale] == ["Pigefodbold U12"]  # membership from the previous index ...
    assert stale[0].spots_free == 2 and stale[0].fee_support is False  # ... facts from the database
    assert built.wait(120)  # limits only stop a hung test; no speed is asserted
    deadline = time.monotonic() + 120
    while titles(catalogue, fee_support=True) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert titles(catalogue, fee_support=True) == []
    assert search_index(catalogue)[2] is search_index(catalogue)[2]  # kept while the revision stands


def test_deleted_offers_drop_out_of_a_stale_page(catalogue, runtime, monkeypatch):
    assert titles(catalogue) == ["Fritidsjob som bagerhjælper", "Pigefodbold U12"]
    monkeypatch.setattr(runtime.search.indexes, "slow_seconds", 0.0)
    monkeypatch.setattr(runtime.search.indexes, "refresh_interval", 3600.0)  # no rebuild during this test
    catalogue.delete(catalogue.scalars(select(Offer).where(Offer.title == "Pigefodbold U12")).one())
    catalogue.commit()
    assert titles(catalogue) == ["Fritidsjob som bagerhjælper"]
