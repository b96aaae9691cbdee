"""Review finding 11: a taken child code confirms nothing; lockout is per account and address."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from matcher.accounts.lockout import MAX_FAILED_LOGINS, count_failure, is_locked, purge
from matcher.accounts.models import LoginFailure, User
from matcher.messages import render
from matcher.pathways.operations import CODE_TAKEN
from tests.security.conftest import field_of
from tests.web.conftest import OTHER_CHILD, sign_in

STRANGER = {"REMOTE_ADDR": "198.51.100.23"}


def test_a_code_another_worker_uses_is_refused_without_confirming_the_child(api):
    taken = api("contact_person", "POST", "/api/v1/children", {"code": OTHER_CHILD, "postcode": "2200"})
    unknown_but_bad = api("contact_person", "POST", "/api/v1/children", {"code": "x", "postcode": "2200"})
    assert taken.status_code == 400 and field_of(taken) == "code" and unknown_but_bad.status_code == 400
    message = taken.get_json()["error"]["message"]
    assert render(CODE_TAKEN) in message and "i brug" not in message and "findes" not in message


def test_a_stranger_guessing_cannot_lock_the_admin_out(app, client):
    stranger = app.test_client()
    for _ in range(MAX_FAILED_LOGINS + 2):
        stranger.post("/login", data={"email": "admin@kk.dk", "password": "forkert-kodeord"}, environ_base=STRANGER)
    locked_out = stranger.post("/login", data={"email": "admin@kk.dk", "password": "forkert-kodeord"},
                               environ_base=STRANGER)
    assert locked_out.status_code == 401
    # The stranger's address is locked, even with the right password ...
    from tests.web.conftest import PASSWORD

    assert stranger.post("/login", data={"email": "admin@kk.dk", "password": PASSWORD},
                         environ_base=STRANGER).status_code == 401
    # ... and the admin, from their own address, logs in as usual.
    assert sign_in(app, client, "admin@kk.dk").status_code == 302


def test_failures_count_per_pair_and_old_counts_are_purged(db):
    admin = db.scalars(select(User).where(User.email == "admin@kk.dk")).one()
    now = dt.datetime(2026, 12, 1, 12, tzinfo=dt.timezone.utc)
    results = [count_failure(db, admin, "192.0.2.1", now=now) for _ in range(MAX_FAILED_LOGINS)]
    assert results == [False] * (MAX_FAILED_LOGINS - 1) + [True]
    assert is_locked(db, admin, "192.0.2.1", now=now) and not is_locked(db, admin, "192.0.2.2", now=now)
    assert not is_locked(db, admin, "192.0.2.1", now=now + dt.timedelta(minutes=16))  # 15 minutes
    count_failure(db, admin, "192.0.2.2", now=now)
    assert db.scalar(select(func.count()).select_from(LoginFailure)) == 2
    assert purge(db, now=now + dt.timedelta(days=2)) == 2
