"""Listing operations: validation naming the field, one ListingChange per field, versions, confirmation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from matcher.accounts.models import User
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import ListingChange, Offer, Organisation
from matcher.catalogue.operations import (
    EditConflict,
    confirm_offer,
    mark_changes_reviewed,
    update_offer,
    update_organisation,
)


@pytest.fixture
def offer(db, ids) -> Offer:
    return db.get(Offer, ids.own)


@pytest.fixture
def rep(db) -> User:
    return db.scalars(select(User).where(User.email == "club_rep@kk.dk")).one()


def changes_of(db, offer_id: int) -> list[ListingChange]:
    return db.scalars(select(ListingChange).where(ListingChange.offer_id == offer_id)
                      .order_by(ListingChange.id)).all()


def test_update_writes_one_change_per_changed_field(db, offer, rep):
    before = offer.version
    recorded = update_offer(db, offer, {"spots_free": 2, "title": offer.title, "monthly_fee_dkk": "95,50",
                                        "fee_support": False}, rep, expected_version=before)
    db.commit()
    assert [c.field for c in recorded] == ["spots_free", "monthly_fee_dkk", "fee_support"]
    rows = changes_of(db, offer.id)
    assert [(r.field, r.old_value, r.new_value) for r in rows] == [
        ("spots_free", "5", "2"), ("monthly_fee_dkk", "120.00", "95.50"), ("fee_support", "ja", "nej")]
    assert all(r.user_id == rep.id and r.changed_at and r.reviewed_at is None for r in rows)
    assert rows[0].organisation_id == offer.organisation_id
    assert offer.version == before + 1 and offer.monthly_fee_dkk == Decimal("95.50")


def test_no_change_records_nothing(db, offer, rep):
    assert update_offer(db, offer, {"spots_free": offer.spots_free}, rep) == []
    assert changes_of(db, offer.id) == []


def test_schedules_are_updated_in_place(db, offer, rep):
    schedule_id, ext = offer.schedules[0].id, offer.schedules[0].external_id
    version = offer.version
    update_offer(db, offer, {"schedules": [{"weekdays": ["mon", "wed"], "opens_at": "17:00", "closes_at": "18:15"}]},
                 rep)
    db.commit()
    assert offer.schedules[0].id == schedule_id and offer.schedules[0].external_id == ext
    assert offer.weekdays == ["mon", "wed"] and offer.schedules[0].opens_at == dt.time(17, 0)
    assert offer.version == version + 1  # a schedule edit also moves the version
    assert changes_of(db, offer.id)[0].new_value == "mon,wed 17:00-18:15"


@pytest.mark.parametrize("changes,field", [
    ({"title": " "}, "title"),
    ({"age_min": "ti"}, "age_min"),
    ({"age_min": 14}, "age_min"),  # above the stored age_max 12
    ({"age_min": 8, "age_max": 6}, "age_max"),
    ({"spots_free": -1}, "spots_free"),
    ({"spots_free": 21}, "spots_free"),  # capacity is 20
    ({"capacity": 2}, "capacity"),  # fewer than the 5 free spots
    ({"monthly_fee_dkk": "gratis"}, "monthly_fee_dkk"),
    ({"status": "deleted"}, "status"),
    ({"fee_support": "måske"}, "fee_support"),
    ({"schedules": [{"weekdays": ["mon"], "opens_at": "18:00", "closes_at": "17:00"}]}, "schedules"),
    ({"schedules": [{"weekdays": ["monday"]}]}, "schedules"),
    ({"organisation_id": 3}, "organisation_id"),
])
def test_validation_names_the_field(db, offer, rep, changes, field):
    with pytest.raises(RecordError) as err:
        update_offer(db, offer, changes, rep)
    assert err.value.field == field
    assert changes_of(db, offer.id) == []


def test_stale_version_is_refused(db, offer, rep):
    with pytest.raises(EditConflict) as err:
        update_offer(db, offer, {"spots_free": 1}, rep, expected_version=offer.version - 1)
    assert err.value.field == "version" and "i mellemtiden" in err.value.message


def test_concurrent_write_is_detected_at_flush(app, db, offer, rep):
    # Someone else updates the row after we loaded it: the version column no longer matches.
    with app.extensions["matcher.sessions"]() as other:
        other.execute(update(Offer).where(Offer.id == offer.id).values(spots_free=0, version=Offer.version + 1))
        other.commit()
    with pytest.raises(EditConflict):
        update_offer(db, offer, {"spots_free": 1}, rep)


def test_confirm_stamps_today(db, offer, rep):
    day = dt.date(2026, 11, 25)
    change = confirm_offer(db, offer, rep, today=day)
    db.commit()
    assert offer.verified_at == day
    assert (change.field, change.old_value, change.new_value) == ("verified_at", "2026-09-01", "2026-11-25")


def test_organisation_update_and_validation(db, ids, rep):
    org = db.get(Organisation, ids.own_org)
    recorded = update_organisation(db, org, {"email": "kontakt@eksempel.dk", "phone": "12 34 56 78"}, rep)
    assert {c.field for c in recorded} == {"email", "phone"}
    assert all(c.organisation_id == org.id and c.offer_id is None for c in recorded)
    for changes, field in (({"email": "ikke-en-mail"}, "email"), ({"postcode": "25"}, "postcode"),
                           ({"website": "ftp://x"}, "website"), ({"name": ""}, "name")):
        with pytest.raises(RecordError) as err:
            update_organisation(db, org, changes, rep)
        assert err.value.field == field


def test_mark_reviewed(db, offer, rep):
    update_offer(db, offer, {"spots_free": 1, "capacity": 19}, rep)
    first = changes_of(db, offer.id)[0]
    assert mark_changes_reviewed(db, [first.id]) == 1
    assert mark_changes_reviewed(db, None) == 1
    assert all(c.reviewed_at for c in changes_of(db, offer.id))
