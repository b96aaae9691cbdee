"""Rate limits on login and the API, shared by every worker through the database."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from matcher.accounts.models import RateLimitHit
from matcher.runtime import runtime_of
from matcher.web import create_app
from matcher.accounts.ratelimit import WINDOW_SECONDS, hit, purge
from matcher.db import make_engine


def limited(app, **limits):
    """Set the app's rate limits (per minute)."""
    runtime_of(app).settings = dataclasses.replace(runtime_of(app).settings, **limits)
    return app


def wrong_login(client, email="admin@kk.dk"):
    return client.post("/login", data={"email": email, "password": "forkert-kodeord"})


def test_login_attempts_are_limited_per_address(app, client):
    limited(app, rate_limit_login=3)
    assert [wrong_login(client).status_code for _ in range(3)] == [401, 401, 401]
    blocked = wrong_login(client, "nobody@kk.dk")
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= WINDOW_SECONDS
    assert "For mange forsøg" in blocked.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # showing the form is not an attempt
    other = app.test_client()
    assert wrong_login(other).status_code == 429  # same address, another browser
    assert other.post("/login", data={"email": "x@kk.dk", "password": "y"},
                      environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code == 401  # another address


def test_one_time_code_attempts_count_against_the_login_limit(app, client):
    from tests.web.conftest import PASSWORD

    limited(app, rate_limit_login=2)
    assert client.post("/login", data={"email": "admin@kk.dk", "password": PASSWORD}).status_code == 302
    assert client.post("/login/engangskode", data={"code": "000000"}).status_code == 401
    assert client.post("/login/engangskode", data={"code": "000000"}).status_code == 429


def test_api_requests_are_limited_per_token(app, client, token):
    limited(app, rate_limit_api=4)
    first, second = token("key_staff"), token("contact_person")
    answers = [client.get("/api/v1/me", headers={"Authorization": f"Bearer {first}"}) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert answers[-1].get_json()["error"]["message"].startswith("For mange forespørgsler")
    assert int(answers[-1].headers["Retry-After"]) >= 1
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {second}"}).status_code == 200
    # Guessed tokens count per address against the login limit (test_sessions_and_tokens has more).
    limited(app, rate_limit_login=4)
    assert [client.get("/api/v1/me", headers={"Authorization": "Bearer guess"}).status_code
            for _ in range(5)] == [401, 401, 401, 401, 429]


def test_zero_turns_a_limit_off(app, client):
    limited(app, rate_limit_login=0)
    assert {wrong_login(client).status_code for _ in range(8)} == {401}


def test_two_workers_share_one_count(migrated_url):
    """Two app instances (two gunicorn workers, or two machines) on one database see one counter."""
    apps = [limited(create_app({"DATABASE_URL": migrated_url, "TESTING": True, "WTF_CSRF_ENABLED": False,
                                "SECRET_KEY": "test"}), rate_limit_login=4) for _ in range(2)]
    try:
        clients = [a.test_client() for a in apps]
        statuses = [wrong_login(clients[i % 2]).status_code for i in range(6)]
        assert statuses == [401, 401, 401, 401, 429, 429]
    finally:
        for a in apps:
            a.extensions["matcher.engine"].dispose()


def test_windows_roll_over_and_old_ones_are_forgotten(engine):
    start = 1_800_000_000 - 1_800_000_000 % WINDOW_SECONDS
    assert [hit(engine, "b", 2, now=start + i) for i in range(3)] == [0, 0, WINDOW_SECONDS - 2]
    assert hit(engine, "b", 2, now=start + WINDOW_SECONDS) == 0  # a new window starts afresh
    hit(engine, "other", 2, now=start)
    with engine.connect() as conn:
        rows = conn.execute(select(RateLimitHit.bucket, RateLimitHit.window, RateLimitHit.hits)
                            .order_by(RateLimitHit.bucket)).all()
    assert [tuple(r) for r in rows] == [("b", start + WINDOW_SECONDS, 1), ("other", start, 1)]
    with engine.begin() as conn:
        assert purge(conn, older_than=0, now=start + 1) == 1
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(RateLimitHit)) == 1


@pytest.mark.parametrize("proxies,expected", [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_the_client_address_behind_a_trusted_proxy(monkeypatch, web_template, tmp_path, proxies, expected):
    """Behind our own reverse proxy the limit (and the audit log) use the client's address."""
    import shutil

    from matcher.privacy.models import AuditEvent

    monkeypatch.setenv("MATCHER_TRUSTED_PROXIES", str(proxies))
    shutil.copyfile(web_template, tmp_path / "web.db")
    url = f"sqlite:///{tmp_path / 'web.db'}"
    app = create_app({"DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "t"})
    try:
        app.test_client().post(
            "/login", data={"email": "nobody@kk.dk", "password": "x"},
            headers={"X-Forwarded-For": "203.0.113.7"})
        with app.extensions["matcher.sessions"]() as session:
            assert session.scalars(select(AuditEvent.ip)).all() == [expected]
            buckets = session.scalars(select(RateLimitHit.bucket)).all()
        assert buckets == [f"login-ip:{expected}"]
    finally:
        app.extensions["matcher.engine"].dispose()


@pytest.mark.parametrize("database_kind", ["postgresql"])
def test_a_count_is_one_statement_whose_commit_does_not_wait_for_the_wal(migrated_url):
    """Counting is one autocommitted statement, and its commit does not flush the WAL.

    The test server runs with ``synchronous_commit=off`` for speed; this engine's connections turn
    it on again, as a production server has it. The same upserts committed the usual way are the
    control: each of their commits writes the WAL.
    """
    from sqlalchemy import create_engine, event, text
    from sqlalchemy.dialects import postgresql

    eng = create_engine(migrated_url, pool_size=1, max_overflow=0,
                        connect_args={"options": "-c synchronous_commit=on"})
    statements = []
    event.listen(eng, "before_cursor_execute", lambda _c, _cur, sql, *_: statements.append(sql.split()[0]))

    def wal_writes() -> int:
        with eng.connect() as conn:  # the pool's one connection: report its statistics now
            conn.execute(text("SELECT pg_stat_force_next_flush()"))
            conn.commit()
        with eng.connect() as conn:
            conn.execute(text("SELECT 1"))
            conn.commit()
        other = make_engine(migrated_url)
        try:
            with other.connect() as conn:
                return conn.scalar(text("SELECT wal_write FROM pg_stat_wal"))
        finally:
            other.dispose()

    start = 1_800_000_000 - 1_800_000_000 % WINDOW_SECONDS
    try:
        hit(eng, "wal", 1000, now=start)  # the window's first count also forgets older windows
        before, statements[:] = wal_writes(), []
        for i in range(40):
            assert hit(eng, "wal", 1000, now=start + 1) == 0
        assert statements == ["INSERT"] * 40  # one statement a count: no SET LOCAL before it
        ours = wal_writes() - before

        upsert = (postgresql.insert(RateLimitHit).values(bucket="durable", window=start, hits=1)
                  .on_conflict_do_update(index_elements=["bucket", "window"], set_={"hits": RateLimitHit.hits + 1}))
        before = wal_writes()
        for i in range(40):
            with eng.begin() as conn:
                conn.execute(upsert)
        durable = wal_writes() - before
        assert durable >= 40, durable  # the control: every durable commit wrote the WAL
        assert ours < 20, (ours, durable)
        with eng.connect() as conn:
            assert conn.scalar(select(RateLimitHit.hits).where(RateLimitHit.bucket == "wal")) == 41
    finally:
        eng.dispose()
