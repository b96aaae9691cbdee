"""The database going away after the view ran (a restart during the commit) answers 503, never 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from matcher.pathways.models import Participation


class AdminShutdown(Exception):
    """Stands in for psycopg.errors.AdminShutdown (terminating connection due to administrator command)."""


def shut_down(*_args, **_kwargs):
    raise OperationalError("COMMIT", {}, AdminShutdown("terminating connection due to administrator command"))


@pytest.fixture
def post(client, token, kids):
    value = token("contact_person")

    def call(key: str):
        return client.post(f"/api/v1/children/{kids.child}/participation",
                           json={"referral_id": kids.ref, "attended": True},
                           headers={"Authorization": f"Bearer {value}", "Idempotency-Key": key})
    return call


def count(db) -> int:
    db.rollback()
    return db.scalar(select(func.count(Participation.id)))


@pytest.mark.parametrize("rollback_fails", [False, True])
def test_a_failed_commit_of_a_write_answers_503_and_a_retry_stores_it_once(post, db, monkeypatch, rollback_fails):
    before = count(db)
    with monkeypatch.context() as patch:
        patch.setattr(Session, "commit", shut_down)
        if rollback_fails:  # the connection is gone for good: even the rollback fails
            patch.setattr(Session, "rollback", lambda self: (_ for _ in ()).throw(InterfaceError("ROLLBACK", {}, None)))
        lost = post("retry-after-restart")
    assert lost.status_code == 503 and lost.headers["Retry-After"] == "2"
    assert "Databasen" in lost.get_json()["error"]["message"]
    assert lost.headers["Cache-Control"] == "no-store" and "Content-Security-Policy" in lost.headers
    assert count(db) == before
    first, again = post("retry-after-restart"), post("retry-after-restart")
    assert first.status_code == again.status_code == 201 and first.get_json()["id"] == again.get_json()["id"]
    assert count(db) == before + 1


def test_a_failed_commit_of_a_page_answers_503_in_text(client, login, monkeypatch):
    login("contact_person")
    with monkeypatch.context() as patch:
        patch.setattr(Session, "commit", shut_down)
        response = client.get("/soeg?q=fodbold")
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    assert response.mimetype == "text/plain" and "utilgængelig" in response.get_data(as_text=True)


def test_an_interface_error_in_a_page_answers_503(app, client, login, monkeypatch):
    login("key_staff")
    import matcher.web.search as page

    def closed(*_args, **_kwargs):
        raise InterfaceError("SELECT 1", {}, AdminShutdown("the connection is closed"))

    monkeypatch.setattr(page, "search", closed)
    response = client.get("/soeg?q=fodbold")
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"


def test_an_interface_error_in_an_api_view_answers_503_not_the_catch_all_500(client, token, monkeypatch):
    """The API blueprint's catch-all handler would win over the app's; it must not turn this into a 500."""
    import matcher.web.api.offers as api

    def closed(*_args, **_kwargs):
        raise InterfaceError("SELECT 1", {}, AdminShutdown("the connection is closed"))

    monkeypatch.setattr(api, "search", closed)
    response = client.get("/api/v1/offers?q=fodbold", headers={"Authorization": f"Bearer {token('key_staff')}"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    assert "Databasen" in response.get_json()["error"]["message"]
