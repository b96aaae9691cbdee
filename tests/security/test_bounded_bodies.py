"""Review finding 1: schedules are capped and replaced in one statement; every list a body carries is bounded."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, func, select

from matcher.catalogue.models import ListingChange, OfferSchedule
from matcher.catalogue.operations import MAX_SCHEDULES
from tests.security.conftest import field_of

ONE = {"weekdays": ["tue"], "opens_at": "16:00", "closes_at": "17:00"}


def _count_schedules(db, offer_id: int) -> int:
    db.expire_all()
    return db.scalar(select(func.count(OfferSchedule.id)).where(OfferSchedule.offer_id == offer_id))


def test_an_offer_takes_at_most_twenty_schedules(api, ids, db):
    before = _count_schedules(db, ids.own)
    for many in (MAX_SCHEDULES + 1, 150_000):
        answer = api("club_rep", "PATCH", f"/api/v1/offers/{ids.own}", {"schedules": [ONE] * many})
        assert answer.status_code == 400 and field_of(answer) == "schedules", answer.get_json()
        assert f"højst {MAX_SCHEDULES}" in answer.get_json()["error"]["message"]
    assert _count_schedules(db, ids.own) == before  # nothing stored
    ok = api("club_rep", "PATCH", f"/api/v1/offers/{ids.own}", {"schedules": [ONE] * MAX_SCHEDULES})
    assert ok.status_code == 200 and len(ok.get_json()["schedules"]) == MAX_SCHEDULES


def test_the_offer_form_stops_at_twenty_and_survives_a_nonsense_row_count(login, ids):
    client = login("club_rep")
    form = {"title": "Pigefodbold U12", "status": "active", "schedule_rows": "abc"}
    assert client.post(f"/tilbud/{ids.own}/rediger", data=form).status_code in (303, 409)


def test_an_offer_with_thousands_of_schedules_is_repaired_with_one_delete(app, api, ids, db):
    # An offer filled before the cap existed: the next edit must not remove the rows one by one.
    db.add_all(OfferSchedule(offer_id=ids.own, weekdays=["mon"], opens_at=dt.time(16), closes_at=dt.time(17))
               for _ in range(3000))
    db.commit()
    statements = []
    engine = app.extensions["matcher.engine"]

    def seen(_conn, _cursor, statement, _params, _context, _many):
        if "offer_schedules" in statement:
            statements.append(statement.split()[0].upper())

    event.listen(engine, "before_cursor_execute", seen)
    try:
        answer = api("club_rep", "PATCH", f"/api/v1/offers/{ids.own}", {"schedules": [ONE, ONE]})
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert answer.status_code == 200 and len(answer.get_json()["schedules"]) == 2
    assert statements.count("DELETE") == 1
    assert _count_schedules(db, ids.own) == 2
    change = db.scalars(select(ListingChange).where(ListingChange.field == "schedules")
                        .order_by(ListingChange.id.desc())).first()
    assert change.new_value == "tue 16:00-17:00; tue 16:00-17:00"
    assert change.old_value.count(";") == MAX_SCHEDULES  # the change log shows a bounded "before"


def test_every_list_in_a_body_is_bounded_and_named(api, kids):
    cases = [
        ("POST", "/api/v1/children", {"code": "BU-L1", "languages": ["da"] * 21}, "languages"),
        ("POST", "/api/v1/children", {"code": "BU-L2", "weekdays": ["mon"] * 1000}, "weekdays"),
        ("POST", "/api/v1/match", {"child": {"age": 11, "interests": ["fodbold"] * 10_000}}, "child.interests"),
        ("PATCH", "/api/v1/offers/1", {"schedules": [{"weekdays": ["mon"] * 8}]}, "schedules[0].weekdays"),
        ("POST", "/api/v1/children/{child}/referrals",
         {"offer_id": 1, "match_components": {f"c{i}": 0.1 for i in range(51)}}, "match_components"),
        ("POST", "/api/v1/children", {"code": "BU-L3", "extra": list(range(101))}, "extra"),
        ("POST", "/api/v1/children", {f"k{i}": 1 for i in range(101)}, "body"),
    ]
    for method, url, body, field in cases:
        answer = api("admin", method, url.format(child=kids.child), body)
        assert answer.status_code == 400 and field_of(answer) == field, (url, field, answer.get_json())


def test_create_child_caps_languages_and_weekdays_in_the_operation(db):
    import pytest

    from matcher.catalogue.errors import RecordError
    from matcher.pathways import operations as ops

    for kwargs, field in (({"languages": ["da"] * 21}, "languages"), ({"weekdays": ["mon"] * 8}, "weekdays")):
        with pytest.raises(RecordError) as refused:
            ops.create_child(db, "BU-CAP1", postcode="2200", **kwargs)
        assert refused.value.field == field
