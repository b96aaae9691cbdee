"""Writes that must stay on record when the request or command that made them is rolled back.

A refused form rolls its changes back, but some things happened all the same: a child's record
was looked at, a password was wrong, the audit log was exported. Such a write is made with
``write_lasting``: it runs in the current transaction at once (so the rest of the request sees
it) and is remembered; the transaction boundary rolls back with ``roll_back``, which writes the
remembered ones again in a short transaction of their own. A commit forgets them (they are in).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")
KEY = "matcher.lasting"


def write_lasting(session: Session, write: Callable[[Session], T]) -> T:
    """Run ``write(session)`` now and again after a rollback of this transaction; return its result.

    ``write`` must hold plain values (ids, not ORM objects): after a rollback it runs in a new transaction.
    """
    result = write(session)
    session.info.setdefault(KEY, []).append(write)
    return result


def pending(session: Session) -> int:
    """Return how many lasting writes of the current transaction a rollback would write again."""
    return len(session.info.get(KEY, ()))


def roll_back(session: Session) -> None:
    """Roll the transaction back, then write its lasting writes again and commit them on their own."""
    writes = session.info.pop(KEY, [])
    session.rollback()
    if not writes:
        return
    for write in writes:
        write(session)
    session.commit()


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(KEY, None)  # written for good: nothing to write again after a later rollback
