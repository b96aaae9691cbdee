"""Write mail into the outbox in the caller's transaction (flush only; the caller commits)."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matcher.catalogue.errors import RecordError
from matcher.db import utcnow
from matcher.mail.models import OutboxMessage

#: The domain part of our Message-IDs (RFC 5322 wants a domain; it need not resolve).
MESSAGE_ID_DOMAIN = "matcher.kk.dk"
MAX_SUBJECT = 200


def new_message_id() -> str:
    """Return a fresh, globally unique RFC 5322 Message-ID."""
    return f"<{secrets.token_hex(16)}@{MESSAGE_ID_DOMAIN}>"


def _check(to: str, subject: str) -> None:
    if not to or "@" not in to or any(ch in to for ch in "\r\n,;<> "):
        raise RecordError("mail", "to_address", "mail.bad_recipient", to=repr(to))
    if not subject or len(subject) > MAX_SUBJECT or "\n" in subject or "\r" in subject:
        raise RecordError("mail", "subject", "mail.subject")


def enqueue(session: Session, to: str, subject: str, body: str, *, kind: str,
            due_at: dt.datetime | None = None, coalesce_key: str | None = None,
            flush: bool = True) -> OutboxMessage:
    """Add one mail to the outbox in the current transaction; it is sent after the commit.

    ``flush=False`` is for callers inside a flush (a ``before_flush`` listener): the row is then
    written by that flush.
    """
    _check(to, subject)
    message = OutboxMessage(message_id=new_message_id(), kind=kind, to_address=to.strip().lower(),
                            subject=subject, body=body, status="pending", due_at=due_at or utcnow(),
                            coalesce_key=coalesce_key, count=1, attempts=0)
    session.add(message)
    if flush:
        session.flush()
    return message


def enqueue_notice(session: Session, to: str, kind: str, render, *, flush: bool = True) -> OutboxMessage:
    """Add a staff notice, or count one more on the same recipient's unsent notice of this kind.

    ``render(count)`` returns ``(subject, body)`` for "Du har N nye …". The merge is a conditional
    UPDATE on a row still waiting for its first attempt, so a worker that has just claimed the row
    never sends a text that is changed under it: then a new row is written instead.
    """
    key = f"{kind}:{to.strip().lower()}"
    with session.no_autoflush:
        waiting = session.scalars(select(OutboxMessage).where(
            OutboxMessage.coalesce_key == key, OutboxMessage.status == "pending",
            OutboxMessage.attempts == 0).order_by(OutboxMessage.id.desc())).first()
    if waiting is not None:
        subject, body = render(waiting.count + 1)
        done = session.execute(update(OutboxMessage).execution_options(synchronize_session=False).where(
            OutboxMessage.id == waiting.id, OutboxMessage.status == "pending", OutboxMessage.attempts == 0,
            OutboxMessage.count == waiting.count).values(count=waiting.count + 1, subject=subject, body=body))
        if done.rowcount == 1:
            session.expire(waiting)
            return waiting
    subject, body = render(1)
    return enqueue(session, to, subject, body, kind=kind, coalesce_key=key, flush=flush)
