"""One transaction boundary per request, and one way for writes that must outlive a refused request.

The boundary (``matcher.web.database``) alone commits and rolls back; what must stay on record
whatever the answer (a child's look-up, a failed login, the audit export) is a lasting write
(``matcher.lasting``), written again after the rollback, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import ast
import uuid
from pathlib import Path

import pytest
from flask_login import login_user
from sqlalchemy import func, select

from matcher.accounts.models import LoginFailure, User
from matcher.lasting import pending, roll_back
from matcher.pathways.models import Child, Phase
from matcher.privacy.audit import once_per_request, record
from matcher.privacy.models import AuditEvent
from matcher.web import create_app
from tests.web.conftest import PASSWORD, build_fixture_database, pathway_ids, sign_in

WEB = Path(__file__).resolve().parents[2] / "matcher" / "web"
BOUNDARY = WEB / "database.py"


def _calls(path: Path, names: set[str]) -> list[str]:
    """Return ``file:line`` of every call of a method in ``names`` (``x.commit()``, ``s.rollback()``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{path.relative_to(WEB.parent.parent)}:{node.lineno}" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in names]


def test_only_the_boundary_commits_or_rolls_back():
    found = [hit for path in sorted(WEB.rglob("*.py")) if path != BOUNDARY
             for hit in _calls(path, {"commit", "rollback"})]
    assert found == [], "commit/rollback outside matcher/web/database.py: " + ", ".join(found)
    assert _calls(BOUNDARY, {"commit", "rollback"}), "the scan must see the boundary's own calls"


def test_no_view_writes_audit_rows_itself():
    """Views call operations that log; the web layer logs only a child's look-up, in ``access.py``."""
    def called(path: Path) -> list[str]:
        return [f"{path.name}:{node.lineno}" for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) in {"AuditEvent", "record"}]

    found = [hit for path in sorted(WEB.rglob("*.py")) if path.name != "access.py" for hit in called(path)]
    assert found == [], "audit rows written in the web layer: " + ", ".join(found)
    assert called(WEB / "access.py"), "the scan must see the look-up log in access.py"


# --- the lasting-write mechanism, on both databases ---------------------------------------------------------

def _events(session, **where) -> int:
    return session.scalar(select(func.count(AuditEvent.id)).filter_by(**where))


def test_a_rollback_keeps_the_lasting_events_only(session):
    record(session, None, "view", "child", 7, child_id=7, purpose="look-up")  # lasting by its action
    record(session, None, "update", "child", 7, child_id=7, purpose="change")  # goes with the transaction
    record(session, None, "update", "child", 8, child_id=8, purpose="opened to change", lasting=True)
    assert pending(session) == 2
    roll_back(session)
    assert _events(session, purpose="look-up") == 1 and _events(session, purpose="opened to change") == 1
    assert _events(session, purpose="change") == 0
    assert pending(session) == 0


def test_a_committed_event_is_not_written_again_by_a_later_rollback(session):
    record(session, None, "view", "child", 7, child_id=7, purpose="look-up")
    session.commit()
    record(session, None, "update", "child", 7, child_id=7, purpose="change")
    roll_back(session)
    assert _events(session, purpose="look-up") == 1 and _events(session, purpose="change") == 0


def test_in_a_request_scope_one_record_is_looked_up_once(session):
    once_per_request(session)
    first = record(session, None, "view", "child", 7, child_id=7, purpose="barnets side")
    assert record(session, None, "view", "child", 7, child_id=7, purpose="barnets side igen") is None
    assert record(session, None, "view", "child", 8, child_id=8) is not None  # another child: its own event
    roll_back(session)
    assert first is not None and _events(session, child_id=7) == 1 and _events(session, child_id=8) == 1
    assert record(session, None, "view", "child", 7, child_id=7) is None  # still the same request


# --- the web boundary, on both databases --------------------------------------------------------------------

@pytest.fixture(scope="session")
def pg_web_template(pg_server) -> str:
    """Build the web fixtures' database once on PostgreSQL; tests get copies."""
    name = "web_tpl_" + uuid.uuid4().hex[:8]
    build_fixture_database(pg_server.create_database(name))
    return name


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_app(request, tmp_path):
    """Return the web fixtures' app on SQLite, then on PostgreSQL."""
    if request.param == "sqlite":
        yield request.getfixturevalue("app")
        return
    server = request.getfixturevalue("pg_server")
    url = server.create_database("t_" + uuid.uuid4().hex[:12], template=request.getfixturevalue("pg_web_template"))
    app = create_app({"DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test"})
    yield app
    app.extensions["matcher.engine"].dispose()


def _db(app):
    return app.extensions["matcher.sessions"]()


def test_a_refused_form_logs_one_look_up_and_stores_nothing(any_app):
    with _db(any_app) as db:
        child = pathway_ids(db)["child"]
        phases = db.scalar(select(func.count(Phase.id)).where(Phase.child_id == child))
    client = any_app.test_client()
    assert sign_in(any_app, client, "contact_person@kk.dk").status_code == 302
    refused = client.post(f"/boern/{child}/fase", data={"kind": "no-such-phase", "goal": "x"})
    assert refused.status_code == 400 and 'id="f-kind-fejl"' in refused.get_data(as_text=True)
    with _db(any_app) as db:
        lookups = db.scalars(select(AuditEvent).where(AuditEvent.child_id == child,
                                                      AuditEvent.purpose == "start fase")).all()
        assert [e.action for e in lookups] == ["update"]  # one look-up, kept although the request rolled back
        assert db.scalar(select(func.count(Phase.id)).where(Phase.child_id == child)) == phases


def test_a_page_that_loads_the_child_twice_logs_it_once(app, db, kids):
    client = app.test_client()
    sign_in(app, client, "contact_person@kk.dk")
    before = _events(db, child_id=kids.child, action="view")
    # The refused form loads the child again to show the page with the error: still one look-up per request.
    assert client.get(f"/boern/{kids.child}").status_code == 200
    assert client.post(f"/boern/{kids.child}/netvaerk", data={"label": "", "relation": ""}).status_code == 400
    db.expire_all()
    assert _events(db, child_id=kids.child, action="view") == before + 1
    assert _events(db, child_id=kids.child, purpose="tilføj netværksperson") == 1


def test_a_wrong_password_is_counted_and_logged_although_the_answer_is_401(any_app):
    client = any_app.test_client()
    for _ in range(2):
        assert client.post("/login", data={"email": "contact_person@kk.dk", "password": "wrong-password-1"}
                           ).status_code == 401
    assert client.post("/login", data={"email": "nobody@kk.dk", "password": "wrong-password-1"}).status_code == 401
    with _db(any_app) as db:
        user = db.scalars(select(User).where(User.email == "contact_person@kk.dk")).one()
        assert db.scalar(select(LoginFailure.failures).where(LoginFailure.user_id == user.id)) == 2
        assert _events(db, action="login_failed", actor_id=user.id) == 2
        assert _events(db, action="login_failed", purpose="ukendt e-mail") == 1


def test_five_wrong_passwords_lock_the_account_for_that_address(any_app):
    client = any_app.test_client()
    for _ in range(5):
        client.post("/login", data={"email": "club_rep@kk.dk", "password": "wrong-password-1"})
    locked = client.post("/login", data={"email": "club_rep@kk.dk", "password": PASSWORD})
    assert locked.status_code == 401
    with _db(any_app) as db:
        assert _events(db, action="login_failed", purpose="kontoen er låst") == 1


def test_the_getters_load_and_authorise_without_writing(app, db, kids, ids):
    from matcher.web.access import editable_offer, followed_child, followed_referral
    from matcher.web.auth import SessionUser
    from matcher.web.database import get_session

    with app.test_request_context(f"/boern/{kids.child}", method="POST"):
        session = get_session()
        login_user(SessionUser(session.scalars(select(User).where(User.email == "key_staff@kk.dk")).one()))
        assert followed_child(kids.child).id == kids.child
        assert followed_referral(kids.ref).child_id == kids.child
        assert editable_offer(ids.own).id == ids.own
        assert not session.new and not session.dirty and pending(session) == 0
        assert session.scalar(select(func.count(AuditEvent.id))) == _events(db)


def test_the_audit_export_is_on_record_before_its_rows_leave(app, db):
    client = app.test_client()
    sign_in(app, client, "admin@kk.dk")
    response = client.get("/admin/revisionslog.csv?action=login")
    assert response.status_code == 200
    rows = response.get_data(as_text=True).splitlines()
    db.expire_all()
    export = db.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert export.purpose == "action=login" and len(rows) >= 2  # the admin's own login is in the file


def test_a_refused_new_child_leaves_no_child_and_no_event(app, db):
    client = app.test_client()
    sign_in(app, client, "contact_person@kk.dk")
    children, events = db.scalar(select(func.count(Child.id))), _events(db)
    refused = client.post("/boern/ny", data={"birth_year": "1800", "gender": "unknown", "languages": "da"})
    assert refused.status_code == 400
    db.expire_all()
    assert db.scalar(select(func.count(Child.id))) == children and _events(db) == events
