"""The children, referrals, participation, warnings and indicators endpoints of the API."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from matcher.clock import local_today
from matcher.pathways.models import Child, Participation


@pytest.fixture
def api(client, token):
    """Return a function calling the API as ``role`` (or a user's e-mail), with optional headers."""
    def call(who: str, method: str, url: str, body=None, headers=None):
        bearer = token(who.removesuffix("@kk.dk"))
        return client.open(url, method=method, json=body, headers={"Authorization": f"Bearer {bearer}",
                                                                    **(headers or {})})
    return call


def field_of(response) -> str:
    return response.get_json()["error"]["field"]


def test_contact_person_creates_a_child_assigned_to_them(api, db):
    response = api("contact_person", "POST", "/api/v1/children",
                   {"code": "bu-new7", "birth_year": 2014, "postcode": "2200", "interests": "dans, tegne",
                    "languages": ["da", "ar"], "weekdays": ["mon"], "gender": "girl"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["id"] and body["code"] == "BU-NEW7" and body["district_name"] == "Nørrebro"
    assert body["birth_date"] is None and body["birth_year"] == 2014 and body["languages"] == ["da", "ar"]
    me = api("contact_person", "GET", "/api/v1/me").get_json()["id"]
    assert body["contact_person_id"] == me
    assert {"name", "cpr", "address"}.isdisjoint(body)


def test_contact_person_cannot_assign_a_child_to_someone_else(api):
    other = api("other_cp", "GET", "/api/v1/me").get_json()["id"]
    response = api("contact_person", "POST", "/api/v1/children", {"code": "BU-X1", "contact_person_id": other})
    assert response.status_code == 403 and field_of(response) == "contact_person_id"


def test_key_staff_may_assign_a_contact_person(api):
    other = api("other_cp", "GET", "/api/v1/me").get_json()["id"]
    response = api("key_staff", "POST", "/api/v1/children", {"code": "BU-K1", "contact_person_id": other,
                                                             "postcode": "2500"})
    assert response.status_code == 201 and response.get_json()["contact_person_id"] == other
    child_id = response.get_json()["id"]
    assert api("other_cp", "GET", f"/api/v1/children/{child_id}").status_code == 200
    assert api("contact_person", "GET", f"/api/v1/children/{child_id}").status_code == 403


@pytest.mark.parametrize("body,field", [
    ({}, "code"), ({"code": "x"}, "code"), ({"code": "BU-A1", "name": "Ali"}, "name"),
    ({"code": "BU-A1", "interests": "cpr 010203-1234"}, "interests"),
    ({"code": "BU-A1", "birth_date": "2014-13-01"}, "birth_date"), ({"code": "BU-A1", "postcode": "22"}, "postcode"),
    ({"code": "BU-A1", "weekdays": ["someday"]}, "weekdays"), ({"code": "BU-A1", "gender": "x"}, "gender"),
    ({"code": "BU-A1", "birth_year": 1800}, "birth_year"), ({"code": "BU-OWN1"}, "code"),
    ({"code": "BU-A1", "languages": ["dansk"]}, "languages"), ({"code": "BU-A1", "district_id": 999}, "district_id"),
])
def test_child_errors_name_the_field(api, body, field):
    response = api("contact_person", "POST", "/api/v1/children", body)
    assert response.status_code == 400 and field_of(response) == field, response.get_json()


def test_cpr_like_text_is_refused_with_a_clear_message(api):
    response = api("contact_person", "POST", "/api/v1/children", {"code": "BU-A1", "interests": "0102031234"})
    assert "CPR-nummer" in response.get_json()["error"]["message"]


def test_lists_only_the_callers_children(api, kids):
    mine = api("contact_person", "GET", "/api/v1/children").get_json()
    assert [c["id"] for c in mine["results"]] == [kids.child] and mine["total"] == 1
    assert api("key_staff", "GET", "/api/v1/children").get_json()["total"] == 2  # no district: all
    valby = api("valby_key", "GET", "/api/v1/children").get_json()
    assert [c["id"] for c in valby["results"]] == [kids.other_child]
    assert api("admin", "GET", "/api/v1/children?limit=1&offset=1").get_json()["results"][0]["id"]
    assert api("club_rep", "GET", "/api/v1/children").status_code == 403


def test_district_key_staff_cannot_open_a_child_elsewhere(api, kids):
    assert api("valby_key", "GET", f"/api/v1/children/{kids.child}").status_code == 403
    assert api("valby_key", "GET", f"/api/v1/children/{kids.other_child}").status_code == 200


def test_child_detail(api, kids):
    body = api("contact_person", "GET", f"/api/v1/children/{kids.child}").get_json()
    assert body["id"] == kids.child and body["current_phase"]["kind"] == "fritidspakke"
    assert body["referrals"][0]["id"] == kids.ref and body["referrals"][0]["offer_external_id"]
    assert body["network"][0]["label"] == "Moster"
    missing = api("contact_person", "GET", "/api/v1/children/424242")
    assert missing.status_code == 404 and missing.get_json()["error"]["message"]


def test_create_referral_to_offer_or_mentor(api, kids, ids, db):
    from matcher.catalogue.mentors_import import import_mentors
    from tests.web.conftest import DATA

    import_mentors(db, (DATA / "mentors-example.csv").read_bytes())
    db.commit()
    mentor_id = api("contact_person", "GET", "/api/v1/mentors").get_json()["results"][0]["id"]
    url = f"/api/v1/children/{kids.child}/referrals"
    response = api("contact_person", "POST", url, {"offer_id": ids.other, "match_score": 0.8,
                                                   "match_components": {"interest": 1.0, "distance": 0.5}})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "suggested" and body["offer_id"] == ids.other and body["match_score"] == 0.8
    assert body["match_components"] == {"interest": 1.0, "distance": 0.5}
    assert api("contact_person", "POST", url, {"mentor_id": mentor_id}).get_json()["mentor_id"] == mentor_id
    for payload, status, field in [({}, 400, "offer_id"), ({"offer_id": ids.own, "mentor_id": mentor_id}, 400,
                                                           "offer_id"),
                                   ({"offer_id": 999999}, 404, "offer_id"), ({"mentor_id": 999999}, 404, "mentor_id"),
                                   ({"offer_id": "1"}, 400, "offer_id"),
                                   ({"offer_id": ids.own, "match_components": {"a": "x"}}, 400, "match_components")]:
        response = api("contact_person", "POST", url, payload)
        assert response.status_code == status and field_of(response) == field, (payload, response.get_json())


def test_ending_a_referral_needs_a_reason_and_warns(api, kids, db):
    url = f"/api/v1/referrals/{kids.ref}"
    missing = api("contact_person", "PATCH", url, {"status": "ended"})
    assert missing.status_code == 400 and field_of(missing) == "end_reason"
    assert field_of(api("contact_person", "PATCH", url, {"status": "ended", "end_reason": "bored"})) == "end_reason"
    assert field_of(api("contact_person", "PATCH", url, {"status": "ended", "end_reason": "other"})) == "end_note"
    assert field_of(api("contact_person", "PATCH", url, {"status": "suggested"})) == "status"
    assert field_of(api("contact_person", "PATCH", url, {"status": "ended", "why": "x"})) == "why"
    ok = api("contact_person", "PATCH", url, {"status": "ended", "end_reason": "too_far"})
    assert ok.status_code == 200, ok.get_json()
    body = ok.get_json()
    assert body["status"] == "ended" and body["end_reason"] == "too_far" and body["id"] == kids.ref
    assert [w["type"] for w in body["warnings"]] == ["last_referral_ended"]
    assert set(body["warnings"][0]) == {"type", "child_id", "referral_id", "message", "since"}
    assert api("other_cp", "PATCH", url, {"status": "ended", "end_reason": "moved"}).status_code == 403


def test_log_participation_and_errors(api, kids, db):
    url = f"/api/v1/children/{kids.child}/participation"
    today = local_today()
    ok = api("contact_person", "POST", url, {"referral_id": kids.ref, "date": today.isoformat(), "attended": False,
                                             "accompanied_by": "network", "note": "Syg"})
    assert ok.status_code == 201, ok.get_json()
    body = ok.get_json()
    assert body["id"] and body["attended"] is False and body["accompanied_by"] == "network" and body["note"] == "Syg"
    future = (today + dt.timedelta(days=2)).isoformat()
    cases = [({"referral_id": kids.ref, "date": future, "attended": True}, 400, "date"),
             ({"referral_id": kids.ref, "date": "i går", "attended": True}, 400, "date"),
             ({"referral_id": kids.other_ref, "attended": True}, 404, "referral_id"),
             ({"referral_id": 999999, "attended": True}, 404, "referral_id"),
             ({"attended": True}, 400, "referral_id"),
             ({"referral_id": kids.ref}, 400, "attended"),
             ({"referral_id": kids.ref, "attended": True, "accompanied_by": "bus"}, 400, "accompanied_by"),
             ({"referral_id": kids.ref, "attended": True, "note": "CPR 010203-1234"}, 400, "note"),
             ({"referral_id": kids.ref, "attended": True, "network_person_id": 999999}, 404, "network_person_id")]
    for payload, status, field in cases:
        response = api("contact_person", "POST", url, payload)
        assert response.status_code == status and field_of(response) == field, (payload, response.get_json())


def test_idempotency_key_stores_one_entry(api, kids, db):
    url = f"/api/v1/children/{kids.child}/participation"
    payload = {"referral_id": kids.ref, "attended": True, "accompanied_by": "contact_person"}
    before = db.scalar(select(func.count(Participation.id)))
    first = api("contact_person", "POST", url, payload, headers={"Idempotency-Key": "phone-retry-1"})
    again = api("contact_person", "POST", url, payload, headers={"Idempotency-Key": "phone-retry-1"})
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert db.scalar(select(func.count(Participation.id))) == before + 1
    third = api("contact_person", "POST", url, payload)
    assert third.get_json()["id"] != first.get_json()["id"]
    too_long = api("contact_person", "POST", url, payload, headers={"Idempotency-Key": "x" * 65})
    assert too_long.status_code == 400 and field_of(too_long) == "Idempotency-Key"


def test_warnings_for_the_caller(api, kids):
    body = api("contact_person", "GET", "/api/v1/warnings").get_json()
    assert body["results"] and {w["child_id"] for w in body["results"]} == {kids.child}
    assert set(body["results"][0]) == {"type", "child_id", "referral_id", "message", "since"}
    assert {w["child_id"] for w in api("admin", "GET", "/api/v1/warnings").get_json()["results"]} == \
        {kids.child, kids.other_child}
    assert api("club_rep", "GET", "/api/v1/warnings").status_code == 403


def test_indicators(api):
    body = api("key_staff", "GET", "/api/v1/indicators?period=2026Q3").get_json()
    assert body["period"] == "2026Q3" and "in_positive_community" in body and body["baseline"]["period"] == "2026Q2"
    valby = api("admin", "GET", "/api/v1/indicators?period=2026&district=Valby").get_json()
    assert valby["district"] == "Valby" and "per_district" not in valby
    bad = api("key_staff", "GET", "/api/v1/indicators?period=sidste")
    assert bad.status_code == 400 and field_of(bad) == "period"
    assert field_of(api("key_staff", "GET", "/api/v1/indicators?period=2026&district=Atlantis")) == "district"
    assert api("contact_person", "GET", "/api/v1/indicators?period=2026").status_code == 403


def test_match_profile_errors_name_the_child_field(api):
    response = api("contact_person", "POST", "/api/v1/match", {"child": {"age": 11, "postcode": "0000"}})
    assert response.status_code == 400 and field_of(response) == "child.postcode"


def test_erased_child_is_gone(api, kids, db):
    from matcher.pathways.operations import erase_child

    erase_child(db, db.get(Child, kids.child))
    db.commit()
    assert api("contact_person", "GET", f"/api/v1/children/{kids.child}").status_code == 404
    assert api("contact_person", "GET", "/api/v1/children").get_json()["total"] == 0
