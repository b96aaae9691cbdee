"""A contact person's daily work: profiles, history after the fact, warnings to act on, landing, error pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from matcher.clock import local_today
from matcher.pathways.child_operations import CODE_ALPHABET
from matcher.pathways.models import Child, Participation, Referral, WarningAction
from matcher.privacy.models import AuditEvent
from tests.web.conftest import OTHER_OFFER, OWN_OFFER, send_code

TODAY = local_today()  # Copenhagen's date, as the fixtures and the product use


@pytest.fixture
def api(client, token):
    """Call the API as ``role`` with a bearer token."""
    def call(who: str, method: str, url: str, body=None):
        return client.open(url, method=method, json=body, headers={"Authorization": f"Bearer {token(who)}"})
    return call


def text(response) -> str:
    return response.get_data(as_text=True)


def offer_id(db, external_id: str) -> int:
    from matcher.catalogue.models import Offer

    return db.scalars(select(Offer.id).where(Offer.external_id == external_id)).one()


# --- the child's profile ----------------------------------------------------------------------------------------

def test_a_child_without_a_code_gets_a_readable_unique_one(api, db):
    codes = set()
    for _ in range(5):
        response = api("contact_person", "POST", "/api/v1/children", {"postcode": "2200", "languages": ["arabisk"]})
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        assert re.fullmatch(f"BU-[{CODE_ALPHABET}]{{5}}", body["code"]) and body["languages"] == ["ar"]
        codes.add(body["code"])
    assert len(codes) == 5 and not set("".join(c[3:] for c in codes)) & set("O0I1LS5BZ2")


def test_patch_changes_only_the_given_fields_and_logs_their_names(api, kids, db):
    response = api("contact_person", "PATCH", f"/api/v1/children/{kids.child}",
                   {"interests": "svømning", "languages": ["dansk", "so"], "postcode": "2500"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["interests"] == "svømning" and body["languages"] == ["da", "so"]
    assert body["district_name"] == "Valby" and body["weekdays"] == ["tue", "thu"]  # untouched
    event = db.scalars(select(AuditEvent).where(AuditEvent.child_id == kids.child, AuditEvent.action == "update",
                                                AuditEvent.purpose == "API: ret barn")
                       .order_by(AuditEvent.id.desc())).first()
    assert event is not None and sorted(event.detail["fields"]) == ["district_id", "interests", "languages",
                                                                    "postcode"]
    assert "svømning" not in str(event.detail)  # values stay out of the append-only log


@pytest.mark.parametrize("body,field,status", [
    ({"birth_year": 1800}, "birth_year", 400), ({"languages": ["klingon"]}, "languages", 400),
    ({"code": "BU-X2"}, "code", 400), ({"gender": "x"}, "gender", 400), ({"weekdays": "mon"}, "weekdays", 400),
])
def test_patch_errors_name_the_field(api, kids, body, field, status):
    response = api("contact_person", "PATCH", f"/api/v1/children/{kids.child}", body)
    assert response.status_code == status and response.get_json()["error"]["field"] == field


def test_must_be_yours_holds_in_the_operation_for_both_front_ends(api, login, kids, db):
    assert api("contact_person", "PATCH", f"/api/v1/children/{kids.other_child}", {"interests": "x"}).status_code == 403
    # key staff of Valby may not move a Valby child out of the district, in the API or in the form
    response = api("valby_key", "PATCH", f"/api/v1/children/{kids.other_child}", {"postcode": "2200"})
    assert response.status_code == 403 and response.get_json()["error"]["field"] == "district_id"
    client = login("valby_key")
    form = client.post(f"/boern/{kids.other_child}/rediger", data={"postcode": "2200"})
    assert form.status_code == 400 and "Barnet skal høre til din egen bydel." in text(form)
    client.post("/logout")
    client = login("contact_person")
    assert client.post(f"/boern/{kids.other_child}/rediger", data={"interests": "x"}).status_code == 403
    db.expire_all()
    assert db.get(Child, kids.other_child).postcode == "2500"


def test_the_profile_form_edits_and_shows_the_history(login, kids, db):
    client = login("contact_person")
    page = text(client.get(f"/boern/{kids.child}/rediger"))
    assert 'value="ar"' in page and "Arabisk" in page and 'name="languages"' in page
    response = client.post(f"/boern/{kids.child}/rediger", data={
        "gender": "girl", "birth_year": str(TODAY.year - 12), "postcode": "2200", "interests": "dans",
        "languages": ["da", "ar"], "weekdays": ["mon"]})
    assert response.status_code == 303
    db.expire_all()
    child = db.get(Child, kids.child)
    assert (child.gender, child.interests, child.languages, child.weekdays) == ("girl", "dans", ["da", "ar"], ["mon"])
    page = text(client.get(f"/boern/{kids.child}"))
    assert "Profilens historik" in page and "Interesser" in page and "contact_person@kk.dk" in page


def test_a_bad_profile_form_answers_a_sentence_without_field_keys(login, kids):
    client = login("contact_person")
    response = client.post(f"/boern/{kids.child}/rediger", data={"birth_year": "1800"})
    assert response.status_code == 400
    assert f"Fødselsår skal være et årstal mellem 1990 og {TODAY.year}." in text(response)
    assert "birth_year:" not in text(response)


def test_the_new_child_form_generates_the_code(login, db):
    client = login("contact_person")
    response = client.post("/boern/ny", data={"postcode": "2200", "languages": ["da"], "gender": "boy"})
    assert response.status_code == 303
    child = db.scalars(select(Child).order_by(Child.id.desc())).first()
    assert child.code.startswith("BU-") and child.languages == ["da"]


# --- history after the fact -------------------------------------------------------------------------------------

def test_a_referral_from_last_month_with_dated_steps_takes_last_weeks_sessions(api, kids, db):
    child = api("contact_person", "POST", "/api/v1/children", {"postcode": "2200"}).get_json()["id"]
    start = TODAY - dt.timedelta(days=30)
    response = api("contact_person", "POST", f"/api/v1/children/{child}/referrals",
                   {"offer_id": offer_id(db, OWN_OFFER), "suggested_on": start.isoformat()})
    assert response.status_code == 201 and response.get_json()["suggested_on"] == start.isoformat()
    ref = response.get_json()["id"]
    contacted = (start + dt.timedelta(days=3)).isoformat()
    response = api("contact_person", "PATCH", f"/api/v1/referrals/{ref}", {"status": "contacted", "on": contacted})
    assert response.status_code == 200 and response.get_json()["status_since"] == contacted
    too_early = api("contact_person", "PATCH", f"/api/v1/referrals/{ref}",
                    {"status": "active", "on": start.isoformat()})
    assert too_early.status_code == 400 and too_early.get_json()["error"]["field"] == "on"
    last_week = (TODAY - dt.timedelta(days=7)).isoformat()
    response = api("contact_person", "POST", f"/api/v1/children/{child}/participation",
                   {"referral_id": ref, "date": last_week, "attended": True})
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("path,body,field", [
    ("/api/v1/children/{child}/referrals", {"offer_id": "{offer}", "suggested_on": "{future}"}, "suggested_on"),
    ("/api/v1/referrals/{ref}", {"status": "ended", "end_reason": "moved", "on": "{future}"}, "on"),
])
def test_a_future_day_is_refused_naming_the_field(api, kids, db, path, body, field):
    names = {"child": kids.child, "ref": kids.ref, "offer": offer_id(db, OTHER_OFFER),
             "future": (TODAY + dt.timedelta(days=2)).isoformat()}
    body = {k: (int(v.format(**names)) if v == "{offer}" else v.format(**names)) if isinstance(v, str) else v
            for k, v in body.items()}
    response = api("contact_person", "POST" if path.endswith("referrals") else "PATCH", path.format(**names), body)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == field


def test_a_second_open_referral_to_the_same_offer_is_refused_alike_in_html_and_api(api, login, kids, db):
    own = offer_id(db, OWN_OFFER)
    before = db.scalar(select(func.count(Referral.id)))
    from_api = api("contact_person", "POST", f"/api/v1/children/{kids.child}/referrals", {"offer_id": own})
    client = login("contact_person")
    from_html = client.post(f"/boern/{kids.child}/henvisninger", data={"offer_id": own}, follow_redirects=True)
    assert from_api.status_code == 400 and from_api.get_json()["error"]["field"] == "offer_id"
    message = from_api.get_json()["error"]["message"]
    assert "Barnet er allerede henvist hertil" in text(from_html) and message.startswith("barnet er allerede henvist")
    assert message[0].upper() + message[1:] + "." in text(from_html)
    assert db.scalar(select(func.count(Referral.id))) == before


def test_the_match_page_offers_a_past_suggestion_day(login, kids, db):
    client = login("contact_person")
    other = offer_id(db, OTHER_OFFER)
    response = client.post(f"/boern/{kids.child}/henvisninger",
                           data={"offer_id": other, "suggested_on": (TODAY - dt.timedelta(days=10)).isoformat()})
    assert response.status_code == 303
    referral = db.scalars(select(Referral).where(Referral.offer_id == other, Referral.child_id == kids.child)).one()
    assert referral.suggested_on == TODAY - dt.timedelta(days=10)


# --- participation in the API, and undo -------------------------------------------------------------------------

def test_participation_list_is_newest_first_with_who_logged_it(api, kids):
    for days, attended in ((3, False), (1, True)):
        api("contact_person", "POST", f"/api/v1/children/{kids.child}/participation",
            {"referral_id": kids.ref, "attended": attended, "date": (TODAY - dt.timedelta(days=days)).isoformat()})
    body = api("contact_person", "GET", f"/api/v1/children/{kids.child}/participation").get_json()
    dates = [e["date"] for e in body["results"]]
    assert body["total"] == 3 and dates == sorted(dates, reverse=True)
    first = body["results"][0]
    assert first["attended"] is True and first["logged_by"] == "contact_person"
    assert {"date", "attended", "accompanied_by", "note"} <= set(first)
    assert api("contact_person", "GET", f"/api/v1/children/{kids.other_child}/participation").status_code == 403


def test_a_logged_session_can_be_undone_right_after(login, kids, db):
    client = login("contact_person")
    response = client.post(f"/boern/{kids.child}/deltagelse", data={"referral_id": kids.ref, "attended": "1"})
    assert response.status_code == 303 and "registreret=" in response.headers["Location"]
    page = text(client.get(response.headers["Location"]))
    entry = db.scalars(select(Participation).order_by(Participation.id.desc())).first()
    assert "Registreret:" in page and f"/deltagelse/{entry.id}/fortryd" in page
    assert client.post(f"/deltagelse/{entry.id}/fortryd").status_code == 303
    db.expire_all()
    voided = db.scalars(select(Participation).where(Participation.supersedes_id == entry.id)).one()
    assert voided.voided
    assert f"/deltagelse/{entry.id}/fortryd" not in text(client.get(response.headers["Location"]))


# --- warnings ---------------------------------------------------------------------------------------------------

def test_warnings_name_the_offer_and_the_last_session(api, kids):
    found = api("contact_person", "GET", "/api/v1/warnings").get_json()["results"]
    quiet = next(w for w in found if w["type"] == "no_participation")
    assert quiet["offer_name"] == "Pigefodbold U12" and quiet["target_name"] == "Pigefodbold U12"
    assert quiet["last_session_on"] == (TODAY - dt.timedelta(days=53)).isoformat() and quiet["state"] == "open"


def test_a_contact_person_handles_and_snoozes_warnings_on_advarsler(login, kids, db):
    client = login("contact_person")
    page = text(client.get("/advarsler"))
    assert "Pigefodbold U12" in page and "BU-OWN1" in page and "BU-OTHER1" not in page
    wid = re.search(r'name="warning" value="([^"]+)"', page).group(1)
    refused = client.post("/advarsler/handling", data={"warning": wid, "action": "handled", "note": ""})
    assert refused.status_code == 400 and "Note skriv" not in text(refused) and "Skriv kort" in text(refused)
    done = client.post("/advarsler/handling", data={"warning": wid, "action": "handled", "note": "Ringet til mor"})
    assert done.status_code == 303
    assert wid not in text(client.get("/advarsler")) and "Ringet til mor" in text(client.get("/advarsler?vis=alle"))
    row = db.scalars(select(WarningAction)).one()
    assert (row.action, row.note, row.child_id) == ("handled", "Ringet til mor", kids.child)
    event = db.scalars(select(AuditEvent).where(AuditEvent.object_type == "warning")).one()
    assert event.purpose == "advarsel håndteret" and event.child_id == kids.child


def test_snoozing_hides_until_the_day_and_is_checked(api, kids, db):
    found = api("contact_person", "GET", "/api/v1/warnings").get_json()["results"]
    wid = found[0]["id"]
    past = api("contact_person", "POST", f"/api/v1/warnings/{wid}/snooze", {"until": TODAY.isoformat()})
    assert past.status_code == 400 and past.get_json()["error"]["field"] == "until"
    until = (TODAY + dt.timedelta(days=7)).isoformat()
    ok = api("contact_person", "POST", f"/api/v1/warnings/{wid}/snooze", {"until": until})
    assert ok.status_code == 200 and ok.get_json()["snoozed_until"] == until
    assert wid not in {w["id"] for w in api("contact_person", "GET", "/api/v1/warnings").get_json()["results"]}
    everything = api("contact_person", "GET", "/api/v1/warnings?state=all").get_json()["results"]
    assert next(w for w in everything if w["id"] == wid)["state"] == "snoozed"
    from matcher.pathways.warning_actions import current_warnings

    from matcher.accounts.models import User

    cp = db.scalars(select(User).where(User.email == "contact_person@kk.dk")).one()
    later = current_warnings(db, cp, TODAY + dt.timedelta(days=7))
    assert wid in {w["id"] for w in later}  # shows again on the day
    other = api("other_cp", "POST", f"/api/v1/warnings/{wid}/handle", {"note": "x"})
    assert other.status_code == 404  # not one of theirs


def test_key_staff_see_their_districts_warnings(login, kids):
    page = text(login("valby_key").get("/advarsler"))
    assert "BU-OTHER1" in page and "BU-OWN1" not in page


def test_mine_boern_shows_todays_warnings(login, kids):
    page = text(login("contact_person").get("/boern"))
    assert "Mine børn" in page and "Advarsler i dag" in page and "Pigefodbold U12" in page


# --- landing, error pages ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role,landing", [("contact_person", "/boern"), ("club_rep", "/min-forening"),
                                          ("valby_key", "/bydel/valby/overblik")])
def test_each_role_lands_on_its_daily_page(app, client, role, landing):
    response = client.post("/login", data={"email": f"{role}@kk.dk", "password": "Test-kodeord-123"})
    if response.headers["Location"].endswith("/login/engangskode"):
        response = send_code(app, client, f"{role}@kk.dk")
    assert response.status_code == 302 and response.headers["Location"] == landing


def test_error_pages_are_danish_inside_the_layout(login, kids):
    client = login("club_rep")
    forbidden = client.get("/boern")
    assert forbidden.status_code == 403 and "Ingen adgang" in text(forbidden)
    assert 'aria-label="Hovedmenu"' in text(forbidden) and "Forbidden" not in text(forbidden)
    missing = client.get("/tilbud/999999")
    assert missing.status_code == 404 and "Siden findes ikke" in text(missing) and "Hovedmenu" in text(missing)
    assert client.get("/api/v1/children").get_json()["error"]["message"]  # the API still answers JSON


def test_a_500_is_a_danish_page(app, client):
    @app.get("/test-fejl")
    def broken():
        raise RuntimeError("boom")

    app.testing = False  # let the error handler answer instead of raising into the test
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/test-fejl")
    assert response.status_code == 500 and "Der skete en fejl" in text(response) and "boom" not in text(response)


def test_the_form_keeps_a_chosen_district_and_follows_a_new_postcode(login, kids, db):
    from matcher.catalogue.models import District

    valby = db.scalars(select(District).where(District.slug == "valby")).one()
    child = db.get(Child, kids.child)
    child.district_id = valby.id  # chosen by hand, unlike the postcode's district
    db.commit()
    client = login("contact_person")
    form = {"gender": "unknown", "postcode": "2200", "district_id": str(valby.id), "interests": "skak"}
    assert client.post(f"/boern/{kids.child}/rediger", data=form).status_code == 303
    db.expire_all()
    assert db.get(Child, kids.child).district_id == valby.id
    assert client.post(f"/boern/{kids.child}/rediger", data={**form, "postcode": "2300"}).status_code == 303
    db.expire_all()
    assert db.get(Child, kids.child).district.name == "Amager Vest"
