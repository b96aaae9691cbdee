"""Login lockout per account and client address: 5 wrong passwords or codes lock that pair for 15 minutes.

A right password does not reset the count (the one-time code still has to follow); a completed login
does, for its own address only. A stranger guessing at an account from elsewhere therefore locks
only their own address out; the IP rate limit (``MATCHER_RATE_LIMIT_LOGIN``) bounds guesses per
address, and the password policy the rest.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from matcher.accounts.models import LoginFailure, User
from matcher.db import utcnow

MAX_FAILED_LOGINS = 5  # wrong passwords and wrong one-time codes together
LOCKOUT = dt.timedelta(minutes=15)


def _address(address: str | None) -> str:
    return (address or "unknown")[:64]


def is_locked(session: Session, user: User, address: str | None, *, now: dt.datetime | None = None) -> bool:
    """Return whether ``user`` is locked out for logins from ``address``."""
    until = session.scalar(select(LoginFailure.locked_until).where(LoginFailure.user_id == user.id,
                                                                    LoginFailure.address == _address(address)))
    return bool(until and until > (now or utcnow()))


def count_failure(session: Session, user: User, address: str | None, *, now: dt.datetime | None = None) -> bool:
    """Count one wrong password or code of ``user`` from ``address``; return whether that pair is now locked."""
    now = now or utcnow()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(LoginFailure).values(user_id=user.id, address=_address(address), failures=1,
                                               last_failure_at=now)
    stmt = stmt.on_conflict_do_update(index_elements=["user_id", "address"],
                                      set_={"failures": LoginFailure.failures + 1, "last_failure_at": now})
    failures = session.execute(stmt.returning(LoginFailure.failures)).scalar_one()
    if failures < MAX_FAILED_LOGINS:
        return False
    session.execute(update(LoginFailure).where(LoginFailure.user_id == user.id,
                                               LoginFailure.address == _address(address))
                    .values(failures=0, locked_until=now + LOCKOUT))
    return True


def clear(session: Session, user: User, address: str | None = None) -> None:
    """Forget ``user``'s failures from ``address`` (a completed login), or from everywhere (a new password)."""
    stmt = delete(LoginFailure).where(LoginFailure.user_id == user.id)
    if address is not None:
        stmt = stmt.where(LoginFailure.address == _address(address))
    session.execute(stmt)


def purge(session: Session, *, older_than: dt.timedelta = dt.timedelta(days=1),
          now: dt.datetime | None = None) -> int:
    """Delete failure counts last touched more than ``older_than`` ago and not locked; return how many."""
    cutoff = (now or utcnow()) - older_than
    return session.execute(delete(LoginFailure).where(
        LoginFailure.last_failure_at < cutoff,
        (LoginFailure.locked_until.is_(None)) | (LoginFailure.locked_until < cutoff))).rowcount
