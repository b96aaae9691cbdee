"""The referral loop end to end: share → mail to the club → answer → mail to the contact person → attendance.

Mail goes through the outbox and the worker to a real SMTP server on loopback (aiosmtpd).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from matcher.clock import local_today as copenhagen_today
from matcher.config import Settings
from matcher.mail.models import OutboxMessage
from matcher.mail.sender import send_due
from matcher.mail.smtp import SmtpTarget
from matcher.pathways.models import Referral
from matcher.privacy.models import AuditEvent
from matcher.runtime import Runtime
from matcher.worker import run_once
from tests.smtp import SmtpServer

CHILD_CODE = "BU-LOOP7"
INTERESTS = "håndbold og tegneserier"
SCOPE = "Har svært ved store grupper; kommer med sin farmor"


@pytest.fixture
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def work(app, smtp_server=None, jobs: bool = False):
    """Run one worker pass on the app's database: sending only, or (``jobs``) the periodic jobs first."""
    settings = Settings.from_env({"MATCHER_ENV": "testing", "MATCHER_SMTP_URL": smtp_server.url if smtp_server else ""})
    if jobs:
        return run_once(app.extensions["matcher.sessions"], Runtime(settings))
    return send_due(app.extensions["matcher.sessions"], SmtpTarget.parse(settings.smtp_url), settings.mail_from), []


@pytest.fixture
def shared(app, client, token, ids):
    """Create a child with a referral to the club's own offer via the API; return ids and tokens (not shared)."""
    cp = auth(token("contact_person"))
    child = client.post("/api/v1/children", json={"code": CHILD_CODE, "postcode": "2200", "birth_year": 2015,
                                                    "interests": INTERESTS, "languages": ["ar", "da"]}, headers=cp)
    assert child.status_code == 201, child.get_json()
    referral = client.post(f"/api/v1/children/{child.get_json()['id']}/referrals", json={"offer_id": ids.own},
                           headers=cp)
    assert referral.status_code == 201
    return {"child": child.get_json()["id"], "ref": referral.get_json()["id"], "cp": cp,
            "club": auth(token("club_rep"))}


def share(client, s, **overrides):
    body = {"shared_with_club_on": copenhagen_today().isoformat(), "shared_with_club_scope": SCOPE,
            "shared_with_club_name": "Amal", **overrides}
    return client.post(f"/api/v1/referrals/{s['ref']}/share", json=body, headers=s["cp"])


def no_child_data(text: str) -> None:
    for secret in (CHILD_CODE, INTERESTS, "håndbold", SCOPE, "farmor", "Nørrebro", "2200", "2015"):
        assert secret.lower() not in text.lower(), f"{secret!r} leaked into a mail"


def test_share_mails_the_club_once_without_child_data(app, client, shared, smtp_server):
    response = share(client, shared)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["shared_with_club_name"] == "Amal"
    report, _jobs = work(app, smtp_server)
    assert report.sent == 1
    [mail] = smtp_server.received
    assert mail.rcpt_tos == ["club_rep@kk.dk"]
    assert "Amal" in mail.text and "/min-forening/henvisning/" in mail.text
    no_child_data(mail.text)
    assert share(client, shared).status_code == 200  # sharing again (e.g. a corrected note) mails nobody
    again, _ = work(app, smtp_server)
    assert again.sent == 0 and len(smtp_server.received) == 1


def test_share_follows_the_form_rules(client, shared):
    bad = share(client, shared, shared_with_club_name="Amal Hassan")
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "shared_with_club_name"
    future = share(client, shared, shared_with_club_on=(copenhagen_today() + dt.timedelta(days=1)).isoformat())
    assert future.status_code == 400 and future.get_json()["error"]["field"] == "shared_with_club_on"
    cpr = share(client, shared, shared_with_club_scope="CPR 010203-1234")
    assert cpr.status_code == 400 and cpr.get_json()["error"]["field"] == "shared_with_club_scope"
    assert client.post(f"/api/v1/referrals/{shared['ref']}/share", json={"x": 1},
                       headers=shared["cp"]).get_json()["error"]["field"] == "x"


def test_answer_welcome_moves_to_trial_and_mails_the_contact_person(app, client, shared, smtp_server, db):
    share(client, shared)
    work(app, smtp_server)
    listed = client.get("/api/v1/club/referrals", headers=shared["club"]).get_json()
    assert [r["id"] for r in listed["results"]][0] == shared["ref"]
    assert listed["results"][0]["club_answer"] is None and "code" not in listed["results"][0]
    first = copenhagen_today() + dt.timedelta(days=5)
    answer = client.post(f"/api/v1/club/referrals/{shared['ref']}/answer", headers=shared["club"],
                         json={"answer": "welcome", "first_session_on": first.isoformat(),
                               "met_by": "Træner Mette", "message": "Tag indendørssko med"})
    assert answer.status_code == 201, answer.get_json()
    report, _ = work(app, smtp_server)
    assert report.sent == 1
    mail = smtp_server.received[-1]
    assert mail.rcpt_tos == ["contact_person@kk.dk"] and "Du har 1 nyt svar" in mail.text
    no_child_data(mail.text)
    assert "Mette" not in mail.text and "indendørssko" not in mail.text  # the club's words stay behind the login
    child = client.get(f"/api/v1/children/{shared['child']}", headers=shared["cp"]).get_json()
    [ref] = [r for r in child["referrals"] if r["id"] == shared["ref"]]
    assert ref["club_answer"] == "welcome" and ref["first_session_on"] == first.isoformat()
    assert ref["status"] == "trial" and ref["status_since"] == first.isoformat()
    assert ref["club_answer_detail"]["met_by"] == "Træner Mette"
    assert work(app, smtp_server)[0].sent == 0  # a second worker run sends nothing
    page = client.get(f"/boern/{shared['child']}", headers=shared["cp"])
    assert page.status_code in (200, 302)


def test_answer_no_room_with_bad_input_names_the_field(client, shared, db, ids):
    share(client, shared)
    url = f"/api/v1/club/referrals/{shared['ref']}/answer"
    cases = [({"answer": "maybe"}, "answer"), ({"answer": "welcome"}, "first_session_on"),
             ({"answer": "welcome", "first_session_on": "2020-01-01"}, "first_session_on"),
             ({"answer": "no_room", "suggested_offer_id": ids.other}, "suggested_offer_id"),
             ({"answer": "no_room", "message": 5}, "message"), ({"answer": "no_room", "extra": 1}, "extra")]
    for body, field in cases:
        response = client.post(url, json=body, headers=shared["club"])
        assert response.status_code == 400 and response.get_json()["error"]["field"] == field, (body, response.get_json())
    ok = client.post(url, json={"answer": "no_room", "message": "Holdet er fuldt til sommer"}, headers=shared["club"])
    assert ok.status_code == 201 and ok.get_json()["club_answer"] == "no_room"
    assert db.get(Referral, shared["ref"]).status == "suggested"


def test_club_attendance_lands_in_participation_marked_as_the_clubs(client, shared):
    share(client, shared)
    url = f"/api/v1/club/referrals/{shared['ref']}/attendance"
    day = copenhagen_today()
    assert client.post(url, json={"date": day.isoformat(), "attended": True}, headers=shared["club"]).status_code == 201
    earlier = (day - dt.timedelta(days=0)).isoformat()
    assert client.post(url, json={"date": earlier, "attended": False}, headers=shared["club"]).status_code == 201
    bad = client.post(url, json={"date": (day + dt.timedelta(days=2)).isoformat(), "attended": True},
                      headers=shared["club"])
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "date"
    assert client.post(url, json={"attended": "yes"}, headers=shared["club"]).get_json()["error"]["field"] == "attended"
    cp_log = client.post(f"/api/v1/children/{shared['child']}/participation", headers=shared["cp"],
                         json={"referral_id": shared["ref"], "attended": True, "date": day.isoformat()})
    assert cp_log.status_code == 201
    listed = client.get(f"/api/v1/children/{shared['child']}/participation", headers=shared["cp"]).get_json()
    assert listed["total"] == 3
    assert [e["logged_by"] for e in listed["results"]] == ["contact_person", "club", "club"]  # newest first
    assert listed["results"][1]["attended"] is False and listed["results"][2]["attended"] is True


def test_club_endpoints_refuse_other_roles_and_other_clubs(client, token, shared, kids):
    share(client, shared)
    for role in ("admin", "key_staff", "contact_person"):
        headers = auth(token(role))
        assert client.get("/api/v1/club/referrals", headers=headers).status_code == 403
        assert client.post(f"/api/v1/club/referrals/{shared['ref']}/answer", json={"answer": "no_room"},
                           headers=headers).status_code == 403
        assert client.post(f"/api/v1/club/referrals/{shared['ref']}/attendance", json={"attended": True},
                           headers=headers).status_code == 403
    club = shared["club"]
    for ref in (kids.other_ref, 999999):  # another club's referral, an unknown one
        assert client.post(f"/api/v1/club/referrals/{ref}/answer", json={"answer": "no_room"},
                           headers=club).status_code == 404
    assert client.get(f"/api/v1/children/{shared['child']}/participation", headers=club).status_code == 403
    assert client.post(f"/api/v1/referrals/{shared['ref']}/share", json={}, headers=club).status_code == 403


def test_every_club_look_up_is_audited(app, client, shared, db, kids):
    share(client, shared)
    client.get("/api/v1/club/referrals", headers=shared["club"])
    client.post(f"/api/v1/club/referrals/{shared['ref']}/attendance", json={"attended": True}, headers=shared["club"])
    events = db.scalars(select(AuditEvent).where(AuditEvent.actor_role == "club_rep")).all()
    assert {(e.action, e.child_id) for e in events} >= {("view", shared["child"]), ("create", shared["child"])}
    assert all(e.object_type == "referral" for e in events)
    assert {e.object_id for e in events if e.action == "view"} == {shared["ref"], kids.ref}  # both shared referrals


def test_outbox_rows_hold_no_child_data(app, client, shared, db):
    share(client, shared)
    client.post(f"/api/v1/club/referrals/{shared['ref']}/answer", headers=shared["club"],
                json={"answer": "no_room", "message": "Vi har ikke plads til Amal, hun er 11"})
    rows = db.scalars(select(OutboxMessage)).all()
    assert {r.kind for r in rows} == {"club_share", "club_answer"}
    for row in rows:
        no_child_data(row.subject + row.body)
        assert "hun er 11" not in row.body


def test_export_holds_and_erasure_blanks_what_the_club_wrote(app, client, shared, db):
    from matcher.clubs.models import ClubAnswer
    from matcher.pathways.models import Child
    from matcher.services.subject import erase, export_child

    share(client, shared)
    client.post(f"/api/v1/club/referrals/{shared['ref']}/answer", headers=shared["club"],
                json={"answer": "no_room", "message": "Amal er velkommen til sommer"})
    child = db.get(Child, shared["child"])
    exported = export_child(db, child)
    assert exported["club_answers"][0]["message"] == "Amal er velkommen til sommer"
    erase(db, child)
    db.commit()
    assert db.scalars(select(ClubAnswer)).one().message is None


def test_contact_person_may_end_a_referral_before_the_first_session(client, shared):
    share(client, shared)
    first = copenhagen_today() + dt.timedelta(days=10)
    client.post(f"/api/v1/club/referrals/{shared['ref']}/answer", headers=shared["club"],
                json={"answer": "welcome", "first_session_on": first.isoformat()})
    ended = client.patch(f"/api/v1/referrals/{shared['ref']}", headers=shared["cp"],
                         json={"status": "ended", "end_reason": "lost_interest"})
    assert ended.status_code == 200, ended.get_json()
    assert ended.get_json()["ended_on"] == copenhagen_today().isoformat()
    late = client.post(f"/api/v1/club/referrals/{shared['ref']}/attendance", headers=shared["club"],
                       json={"attended": True})
    assert late.status_code == 400 and late.get_json()["error"]["field"] == "status"  # ended: nothing to log
    listed = client.get("/api/v1/club/referrals", headers=shared["club"]).get_json()
    assert shared["ref"] not in [r["id"] for r in listed["results"]]  # and it leaves the club's list
