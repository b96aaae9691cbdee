"""An ``Idempotency-Key`` makes a referral status change happen once: API retries, races and double submits."""

from __future__ import annotations

import json
import re
import threading
import uuid

import pytest
from sqlalchemy import func, select

from matcher.accounts.models import User
from matcher.accounts.operations import issue_token
from matcher.catalogue.models import Offer
from matcher.clock import local_today
from matcher.pathways import operations as ops
from matcher.pathways.models import Child, IdempotentRequest, Referral, ReferralEvent
from matcher.web import create_app
from tests.web.conftest import build_fixture_database

ENDED = {"status": "ended", "end_reason": "moved"}


@pytest.fixture
def api(client, token):
    """Return a function calling the API as ``role`` with an optional ``Idempotency-Key``."""
    def call(role: str, method: str, url: str, body=None, key: str | None = None, raw: str | None = None):
        headers = {"Authorization": f"Bearer {token(role)}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        if raw is not None:
            return client.open(url, method=method, data=raw, headers=headers, content_type="application/json")
        return client.open(url, method=method, json=body, headers=headers)
    return call


def events(db, referral_id: int) -> int:
    db.expire_all()
    return db.scalar(select(func.count(ReferralEvent.id)).where(ReferralEvent.referral_id == referral_id))


def field_of(response) -> str:
    return response.get_json()["error"]["field"]


def test_same_key_twice_changes_once_and_answers_alike(api, kids, db):
    url = f"/api/v1/referrals/{kids.ref}"
    before = events(db, kids.ref)
    first = api("contact_person", "PATCH", url, ENDED, key="retry-1")
    again = api("contact_person", "PATCH", url, ENDED, key="retry-1")
    # The test client sends sorted keys; a phone app may send them in any order and spacing.
    reordered = api("contact_person", "PATCH", url, raw='{ "status": "ended",  "end_reason": "moved" }',
                    key="retry-1")
    assert first.status_code == again.status_code == reordered.status_code == 200, again.get_json()
    assert first.get_json() == again.get_json() == reordered.get_json()
    assert first.get_json()["status"] == "ended" and first.get_json()["warnings"]
    assert events(db, kids.ref) == before + 1
    without_key = api("contact_person", "PATCH", url, ENDED)  # no key: a real second change, refused
    assert without_key.status_code == 400 and field_of(without_key) == "status"


def test_same_key_with_another_body_or_referral_is_422(api, kids, ids, db):
    url = f"/api/v1/referrals/{kids.ref}"
    before = events(db, kids.ref)
    assert api("contact_person", "PATCH", url, ENDED, key="k-1").status_code == 200
    other_body = api("contact_person", "PATCH", url, {"status": "ended", "end_reason": "cost"}, key="k-1")
    assert other_body.status_code == 422 and field_of(other_body) == "Idempotency-Key"
    second = api("contact_person", "POST", f"/api/v1/children/{kids.child}/referrals", {"offer_id": ids.other})
    assert second.status_code == 201
    other_path = api("contact_person", "PATCH", f"/api/v1/referrals/{second.get_json()['id']}",
                     {"status": "contacted"}, key="k-1")
    assert other_path.status_code == 422 and field_of(other_path) == "Idempotency-Key"
    db.expire_all()
    assert db.get(Referral, kids.ref).end_reason == "moved"
    assert db.get(Referral, second.get_json()["id"]).status == "suggested"
    assert events(db, kids.ref) == before + 1


def test_keys_belong_to_one_user(api, kids, ids, db):
    second = api("contact_person", "POST", f"/api/v1/children/{kids.child}/referrals", {"offer_id": ids.other})
    mine = f"/api/v1/referrals/{second.get_json()['id']}"
    theirs = api("admin", "PATCH", f"/api/v1/referrals/{kids.other_ref}", ENDED, key="shared-key")
    assert theirs.status_code == 200
    first = api("contact_person", "PATCH", mine, {"status": "contacted"}, key="shared-key")
    assert first.status_code == 200 and first.get_json()["status"] == "contacted"
    again = api("contact_person", "PATCH", mine, {"status": "contacted"}, key="shared-key")
    assert again.get_json() == first.get_json()
    rows = db.scalars(select(IdempotentRequest).where(IdempotentRequest.key == "shared-key")).all()
    assert len(rows) == 2 and len({r.user_id for r in rows}) == 2


def test_a_key_over_64_characters_is_400_and_changes_nothing(api, kids, db):
    url = f"/api/v1/referrals/{kids.ref}"
    too_long = api("contact_person", "PATCH", url, ENDED, key="x" * 65)
    assert too_long.status_code == 400 and field_of(too_long) == "Idempotency-Key"
    db.expire_all()
    assert db.get(Referral, kids.ref).status == "active"
    assert api("contact_person", "PATCH", url, ENDED, key="x" * 64).status_code == 200


def test_an_error_answer_is_not_stored_so_a_corrected_retry_succeeds(api, kids, db):
    url = f"/api/v1/referrals/{kids.ref}"
    wrong = api("contact_person", "PATCH", url, {"status": "ended"}, key="fix-me")
    assert wrong.status_code == 400 and field_of(wrong) == "end_reason"
    assert db.scalar(select(func.count(IdempotentRequest.id))) == 0
    fixed = api("contact_person", "PATCH", url, ENDED, key="fix-me")
    assert fixed.status_code == 200 and fixed.get_json()["end_reason"] == "moved"
    assert api("contact_person", "PATCH", url, ENDED, key="fix-me").get_json() == fixed.get_json()
    stored = db.scalars(select(IdempotentRequest)).one()
    assert (stored.method, stored.path, stored.response_status) == ("PATCH", url, 200)
    assert stored.child_id == kids.child and stored.response_body == fixed.get_json()


def test_the_openapi_document_describes_the_header_and_the_422():
    from matcher.web.api.openapi import document

    patch = document()["paths"]["/api/v1/referrals/{referral_id}"]["patch"]
    header = next(p for p in patch["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and header["schema"]["maxLength"] == 64 and not header["required"]
    assert {"200", "400", "422"} <= set(patch["responses"])


def status_form(client, referral_id: int) -> dict[str, str]:
    page = client.get(f"/henvisning/{referral_id}").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="(\w+)"', page).group(1)
    return {"status": "ended", "end_reason": "cost", "end_note": "", "on": local_today().isoformat(),
            "idempotency_key": key}


def test_a_double_submitted_status_form_changes_once(login, kids, db):
    client = login("contact_person")
    assert status_form(client, kids.ref)["idempotency_key"] != status_form(client, kids.ref)["idempotency_key"]
    data = status_form(client, kids.ref)
    before = events(db, kids.ref)
    first = client.post(f"/henvisning/{kids.ref}/status", data=data)
    second = client.post(f"/henvisning/{kids.ref}/status", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert events(db, kids.ref) == before + 1
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    flashes = re.findall(r'<p class="flash (\w+)"[^>]*>([^<]*)</p>', page)
    assert [(c, m.split(" – ")[0]) for c, m in flashes] == [
        ("info", "»Pigefodbold U12« står nu som Afsluttet."), ("error", "Barnets sidste aktive fællesskab er afsluttet")]
    assert "Der er en fejl" not in page


def test_a_resent_status_form_with_other_choices_changes_nothing(login, kids, ids, db):
    client = login("contact_person")
    data = status_form(client, kids.ref)
    assert client.post(f"/henvisning/{kids.ref}/status", data=data).status_code == 303
    changed = client.post(f"/henvisning/{kids.ref}/status", data={**data, "end_reason": "moved"})
    assert changed.status_code == 422 and "allerede sendt med andre valg" in changed.get_data(as_text=True)
    db.expire_all()
    assert db.get(Referral, kids.ref).end_reason == "cost"

    user = db.scalars(select(User).where(User.email == "contact_person@kk.dk")).one()
    fresh = ops.create_referral(db, db.get(Child, kids.child), user=user, offer=db.get(Offer, ids.other))
    db.commit()
    data = {**status_form(client, fresh.id), "status": "contacted", "end_reason": ""}
    assert client.post(f"/henvisning/{fresh.id}/status", data=data).status_code == 303
    back = client.post(f"/henvisning/{fresh.id}/status", data={**data, "status": "trial"})  # the back button
    page = back.get_data(as_text=True)
    assert back.status_code == 422 and "allerede sendt med andre valg" in page
    new_key = re.search(r'name="idempotency_key" value="(\w+)"', page).group(1)
    assert new_key != data["idempotency_key"]
    db.expire_all()
    assert db.get(Referral, fresh.id).status == "contacted"
    again = client.post(f"/henvisning/{fresh.id}/status", data={**data, "status": "trial", "idempotency_key": new_key})
    assert again.status_code == 303


def test_a_refused_status_form_keeps_its_key_for_the_corrected_submit(login, kids, db):
    client = login("contact_person")
    data = status_form(client, kids.ref)
    refused = client.post(f"/henvisning/{kids.ref}/status", data={**data, "end_reason": ""})
    assert refused.status_code == 400
    assert f'name="idempotency_key" value="{data["idempotency_key"]}"' in refused.get_data(as_text=True)
    assert client.post(f"/henvisning/{kids.ref}/status", data=data).status_code == 303
    db.expire_all()
    assert db.get(Referral, kids.ref).end_reason == "cost"


# -- PostgreSQL: two requests with one key at the same time ---------------------------------------------------


@pytest.fixture
def pg_app(pg_server):
    """Return an app on a PostgreSQL database filled like the web fixtures'."""
    url = pg_server.create_database("t_" + uuid.uuid4().hex[:12])
    build_fixture_database(url)
    app = create_app({"DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test"})
    yield app
    app.extensions["matcher.engine"].dispose()


@pytest.mark.postgres
def test_racing_retries_with_one_key_change_once_and_answer_alike(pg_app, monkeypatch):
    from matcher.web.database import get_session
    from tests.web.conftest import pathway_ids

    with pg_app.app_context():
        session = get_session()
        bearer = issue_token(session, "contact_person@kk.dk")
        referral_id = pathway_ids(session)["ref"]
        session.commit()
    real, calls = ops.change_status, []
    changed, release = threading.Event(), threading.Event()

    def held_open(*args, **kwargs):
        """Change the status, then keep the first request's transaction open until released."""
        result = real(*args, **kwargs)
        calls.append(kwargs.get("user"))
        if len(calls) == 1:
            changed.set()
            release.wait(30)
        return result

    monkeypatch.setattr(ops, "change_status", held_open)
    answers = {}

    def send(name: str) -> None:
        response = pg_app.test_client().patch(
            f"/api/v1/referrals/{referral_id}", data=json.dumps(ENDED), content_type="application/json",
            headers={"Authorization": f"Bearer {bearer}", "Idempotency-Key": "race-1"})
        answers[name] = (response.status_code, response.get_json())

    first = threading.Thread(target=send, args=("first",))
    second = threading.Thread(target=send, args=("second",))
    first.start()
    try:
        assert changed.wait(30), "the first request never reached the status change"
        second.start()
        second.join(timeout=1.5)
        assert second.is_alive(), "the retry should wait for the first request's key"
    finally:
        release.set()
        first.join(timeout=30)
        if second.ident is not None:
            second.join(timeout=30)
    assert answers["first"][0] == 200, answers["first"]
    assert answers["second"] == answers["first"]
    assert len(calls) == 1
    with pg_app.app_context():
        session = get_session()
        assert session.scalar(select(func.count(ReferralEvent.id)).where(
            ReferralEvent.referral_id == referral_id, ReferralEvent.to_status == "ended")) == 1
        assert session.scalar(select(func.count(IdempotentRequest.id))) == 1
