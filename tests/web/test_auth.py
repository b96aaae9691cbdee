"""Login, lockout, next-redirect checks, CSRF and bearer tokens."""

import pytest
from sqlalchemy import select

from matcher.accounts.models import User
from matcher.web.auth import MAX_FAILED_LOGINS, safe_next
from tests.web.conftest import PASSWORD, send_code


def test_login_and_logout(client, login):
    login("key_staff")
    assert client.post("/logout").status_code == 302
    assert client.get("/api/v1/me").status_code == 401


def test_wrong_password_and_unknown_user_answer_alike(client):
    wrong = client.post("/login", data={"email": "admin@kk.dk", "password": "forkert-kodeord"})
    unknown = client.post("/login", data={"email": "nobody@kk.dk", "password": "forkert-kodeord"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_data(as_text=True).replace("admin@kk.dk", "X") == \
        unknown.get_data(as_text=True).replace("nobody@kk.dk", "X")


def test_lockout_after_repeated_failures(app, client):
    for _ in range(MAX_FAILED_LOGINS):
        client.post("/login", data={"email": "admin@kk.dk", "password": "forkert-kodeord"})
    right = client.post("/login", data={"email": "admin@kk.dk", "password": PASSWORD})
    assert right.status_code == 401  # locked even with the right password
    from matcher.web.database import get_session

    from matcher.accounts.lockout import is_locked

    with app.app_context():
        user = get_session().scalars(select(User).where(User.email == "admin@kk.dk")).one()
        assert is_locked(get_session(), user, "127.0.0.1")


@pytest.mark.parametrize("target,expected", [
    ("/bydel/valby", "/bydel/valby"),
    ("https://evil.example/", None),
    ("//evil.example/", None),
    ("/\\evil.example", None),
    ("javascript:alert(1)", None),
    ("", None),
])
def test_safe_next(target, expected):
    assert safe_next(target) == expected


@pytest.mark.parametrize("email,landing", [("club_rep@kk.dk", "/min-forening"),  # without a one-time code
                                           ("admin@kk.dk", "/admin/")])  # with one
def test_login_redirects_only_to_local_next(app, client, email, landing):
    for target, expected in (("https://evil.example/", landing), ("/bydel/valby", "/bydel/valby")):
        r = client.post(f"/login?next={target}", data={"email": email, "password": PASSWORD})
        if r.headers["Location"] == "/login/engangskode":
            r = send_code(app, client, email)
        assert r.status_code == 302 and r.headers["Location"] == expected
        client.post("/logout")


def test_password_change_ends_old_sessions(app, client, login):
    login("admin")
    from matcher.accounts.operations import end_all_sessions
    from matcher.web.database import get_session

    with app.app_context():
        session = get_session()
        end_all_sessions(session.scalars(select(User).where(User.email == "admin@kk.dk")).one())
        session.commit()
    assert client.post("/logout").status_code == 302
    assert client.get("/logout").status_code == 405


def test_csrf_is_required_on_forms(tmp_path, app):
    app.config["WTF_CSRF_ENABLED"] = True
    r = app.test_client().post("/login", data={"email": "admin@kk.dk", "password": PASSWORD})
    assert r.status_code in (400, 401)
    assert "admin@kk.dk" not in r.headers.get("Location", "")
    assert r.status_code != 302


def test_bearer_token(client, token):
    value = token("club_rep")
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {value}"})
    assert r.status_code == 200 and r.get_json()["role"] == "club_rep"
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_security_headers_on_pages(client):
    r = client.get("/login")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert r.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in r.headers  # only behind HTTPS
    assert "Strict-Transport-Security" in client.get("/login", base_url="https://localhost").headers


def test_health_checks_the_database(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json() == {"status": "ok", "database": "ok"}


def test_idle_and_absolute_session_timeouts(app, client, login):
    login("admin")
    assert client.get("/admin/").status_code == 200
    with client.session_transaction() as s:
        s["seen_at"] -= 31 * 60  # idle for 31 minutes
    r = client.get("/admin/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    login("admin")
    with client.session_transaction() as s:
        s["login_at"] -= 13 * 3600  # logged in 13 hours ago, active all the time
    r = client.get("/admin/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_logins_are_audited(app, client, login):
    from matcher.privacy.models import AuditEvent
    from matcher.web.database import get_session

    client.post("/login", data={"email": "admin@kk.dk", "password": "forkert-kodeord"})
    login("admin")
    client.post("/logout")
    with app.app_context():
        actions = [(e.action, e.actor_email) for e in get_session().scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == [("login_failed", "admin@kk.dk"), ("login", "admin@kk.dk"), ("logout", "admin@kk.dk")]


def test_a_look_up_is_audited_even_when_the_request_fails(app, client, login, kids):
    """A form error rolls the request back, but the look-up of the child stays in the log."""
    from matcher.privacy.models import AuditEvent
    from matcher.web.database import get_session

    login("contact_person")
    child_id = kids.child
    r = client.post(f"/boern/{child_id}/deltagelse",
                    data={"referral_id": str(kids.ref), "date": "2999-01-01", "attended": "1"})
    assert r.status_code == 400
    with app.app_context():
        purposes = get_session().scalars(select(AuditEvent.purpose).where(AuditEvent.child_id == child_id)).all()
    assert purposes and set(purposes) == {"log deltagelse"}


def test_a_database_outage_answers_503_not_500(app, client, token):
    """When the database is down, clients are told to retry instead of seeing an internal error."""
    value = token("key_staff")
    engine = app.extensions["matcher.engine"]
    engine.dispose()
    app.extensions["matcher.sessions"].configure(bind=_broken_engine())
    api = client.get("/api/v1/offers", headers={"Authorization": f"Bearer {value}"})
    assert api.status_code == 503 and api.headers["Retry-After"] == "2"
    assert "Databasen" in api.get_json()["error"]["message"]
    assert client.get("/healthz").status_code == 503
    assert client.get("/soeg").status_code in (302, 503)


def _broken_engine():
    from matcher.db import make_engine

    return make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
