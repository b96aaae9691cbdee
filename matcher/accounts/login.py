"""Logging in: check the password, count and log failures so they stay counted when the answer is 401.

A failed login answers with an error, so its request is rolled back; the failure count and its
audit event are lasting writes (``matcher.lasting``) that the transaction boundary writes again
after the rollback. Nothing here commits.
"""

from __future__ import annotations

import functools

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from matcher.accounts import lockout
from matcher.accounts.models import User
from matcher.db import utcnow
from matcher.lasting import write_lasting
from matcher.privacy.audit import record

# Compared against when the e-mail is unknown, so both paths cost the same (no user enumeration).
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def authenticate(session: Session, email: str, password: str, address: str | None) -> User | None:
    """Return the user when the password is right and the account is open; count and log failures.

    Success is not logged here, nor are the failure counters reset: the login is complete only after
    the one-time code (see ``complete_login``), so wrong codes keep counting towards the lockout.
    """
    user = session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        record(session, None, "login_failed", "user", purpose="ukendt e-mail", ip=address)
        return None
    if lockout.is_locked(session, user, address):
        check_password_hash(_DUMMY_HASH, password)
        record(session, user, "login_failed", "user", user.id, purpose="kontoen er låst", ip=address)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        count_failure(session, user, address, "forkert adgangskode")
        return None
    return user


def count_failure(session: Session, user: User, address: str | None, purpose: str) -> None:
    """Count a wrong password or code for this account and address (5 lock the pair) and log it; lasting."""
    write_lasting(session, functools.partial(_count, user_id=user.id, address=address, now=utcnow()))
    record(session, user, "login_failed", "user", user.id, purpose=purpose, ip=address)


def _count(session: Session, user_id: int, address: str | None, now) -> None:
    lockout.count_failure(session, session.get(User, user_id), address, now=now)


def complete_login(session: Session, user: User, address: str | None) -> None:
    """Forget the user's failures from ``address`` and log the login."""
    lockout.clear(session, user, address)
    record(session, user, "login", "user", user.id, ip=address)


def keep_totp_secret(session: Session, user: User, sealed: str) -> None:
    """Store a new one-time-code secret so that it stays when the page answers an error (a wrong first code)."""
    user.totp_secret = sealed
    write_lasting(session, functools.partial(_store_secret, user_id=user.id, sealed=sealed))


def _store_secret(session: Session, user_id: int, sealed: str) -> None:
    session.execute(update(User).where(User.id == user_id).values(totp_secret=sealed)
                    .execution_options(synchronize_session=False))
