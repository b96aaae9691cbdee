"""Send due outbox messages over SMTP, each claimed under a lease and marked sent exactly once.

The guarantee, step by step for one message (each step is its own committed transaction):

1. *claim*: a conditional UPDATE moves the row from ``pending`` to ``sending`` with this worker as
   lease owner (``lease_until`` a few minutes ahead) and counts the attempt; a second worker's UPDATE
   finds no ``pending`` row and skips it, so two workers never send the same message.
2. MAIL FROM and RCPT TO; the server's answer is definite, so an error sends the row back to
   ``pending`` with back-off (4xx) or to ``failed`` (5xx).
3. *hand over*: ``handed_over_at`` is committed, then the DATA command sends the message. From here
   until step 4 the SMTP server may hold the mail while we do not know it.
4. *mark*: on the server's 250 the row becomes ``sent``. A definite refusal (4xx/5xx) clears the
   hand-over and retries or fails as in 2.

A worker killed (or a connection lost) between 3 and 4 leaves ``sending`` with ``handed_over_at`` set.
When its lease expires, :func:`recover_expired` marks that row ``uncertain`` and it is never sent
again by a worker: no second mail. An administrator sees it on the outbox page and may send it again
by hand (the same Message-ID, which mail programs use to hide duplicates). A worker killed before 3
leaves ``handed_over_at`` empty: the server has nothing, and the row simply goes back to ``pending``.
So nothing is lost silently, and nothing is sent twice without a person deciding it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import smtplib
import socket
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from matcher.catalogue.errors import RecordError
from matcher.db import utcnow
from matcher.mail.models import OutboxMessage
from matcher.mail.smtp import SmtpTarget, build_message
from matcher.privacy.audit import record

log = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 30
BATCH = 100
UNCERTAIN_TEXT = ("Afsenderen stoppede, mens mailserveren modtog beskeden; den sendes ikke igen "
                  "automatisk, så modtageren ikke får den to gange")


def worker_id() -> str:
    """Return a name for this worker process, unique across machines and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def backoff(attempts: int) -> dt.timedelta:
    """Return how long to wait after the ``attempts``-th failed attempt (30 s doubling, at most 1 hour)."""
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


@dataclass
class SendReport:
    """What one pass of the sender did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    recovered: int = 0
    uncertain: int = 0
    configured: bool = True


def recover_expired(factory: sessionmaker[Session], now: dt.datetime | None = None) -> tuple[int, int]:
    """Release rows whose worker died: back to pending before the hand-over, ``uncertain`` after it."""
    now = now or utcnow()
    expired = (OutboxMessage.status == "sending", OutboxMessage.lease_until < now)
    with factory.begin() as s:
        back = s.execute(update(OutboxMessage).where(*expired, OutboxMessage.handed_over_at.is_(None))
                         .values(status="pending", lease_owner=None, lease_until=None, due_at=now,
                                 last_error="Afsenderen stoppede før afsendelsen; prøves igen")).rowcount
        doubt = s.execute(update(OutboxMessage).where(*expired, OutboxMessage.handed_over_at.is_not(None))
                          .values(status="uncertain", lease_owner=None, lease_until=None,
                                  last_error=UNCERTAIN_TEXT)).rowcount
    return back, doubt


def _claim(factory, message_id: int, owner: str, now: dt.datetime) -> bool:
    with factory.begin() as s:
        done = s.execute(update(OutboxMessage).where(
            OutboxMessage.id == message_id, OutboxMessage.status == "pending", OutboxMessage.due_at <= now)
            .values(status="sending", lease_owner=owner, lease_until=now + LEASE,
                    attempts=OutboxMessage.attempts + 1, last_attempt_at=now, handed_over_at=None))
        return done.rowcount == 1


def _set(factory, message_id: int, owner: str, **values) -> None:
    with factory.begin() as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.lease_owner == owner)
                  .values(**values))


def _retry_or_fail(factory, row: OutboxMessage, owner: str, error: str, permanent: bool,
                   report: SendReport) -> None:
    attempts = row.attempts + 1
    if permanent or attempts >= MAX_ATTEMPTS:
        _set(factory, row.id, owner, status="failed", lease_owner=None, lease_until=None, handed_over_at=None,
             last_error=error if permanent else f"Opgivet efter {attempts} forsøg: {error}")
        report.failed += 1
    else:
        _set(factory, row.id, owner, status="pending", lease_owner=None, lease_until=None, handed_over_at=None,
             due_at=utcnow() + backoff(attempts), last_error=error)
        report.retried += 1


def _reply(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}"[:1000]


def send_due(factory: sessionmaker[Session], target: SmtpTarget | None, sender: str, *, owner: str | None = None,
             limit: int = BATCH) -> SendReport:
    """Send up to ``limit`` due messages over one SMTP connection; never raises for SMTP trouble."""
    report = SendReport()
    report.recovered, report.uncertain = recover_expired(factory)
    if target is None:
        report.configured = False
        return report
    owner = owner or worker_id()
    now = utcnow()
    with factory() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending", OutboxMessage.due_at <= now)
                         .order_by(OutboxMessage.due_at, OutboxMessage.id).limit(limit)).all()
    conn: smtplib.SMTP | None = None
    try:
        for row in rows:
            if not _claim(factory, row.id, owner, now):
                continue  # another worker has it
            if conn is None:
                try:
                    conn = target.connect()
                except (OSError, smtplib.SMTPException) as exc:
                    _retry_or_fail(factory, row, owner, f"Mailserveren svarer ikke: {exc}", False, report)
                    _postpone_rest(factory, rows[rows.index(row) + 1:], now, f"Mailserveren svarer ikke: {exc}")
                    break
            conn = _send_one(factory, conn, row, owner, sender, report)
    finally:
        if conn is not None:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                conn.close()
    return report


def _postpone_rest(factory, rows, now: dt.datetime, error: str) -> None:
    """Note the outage on the rest of the batch without counting an attempt: they wait for the next pass."""
    with factory.begin() as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.id.in_([r.id for r in rows]),
                                              OutboxMessage.status == "pending").values(last_error=error))


def _send_one(factory, conn: smtplib.SMTP, row: OutboxMessage, owner: str, sender: str,
              report: SendReport) -> smtplib.SMTP | None:
    """Send one claimed message; return the connection to reuse (None when it broke)."""
    data = build_message(message_id=row.message_id, sender=sender, to=row.to_address, subject=row.subject,
                         body=row.body)
    try:
        code, text = conn.mail(sender)
        if code != 250:
            conn.rset()
            _retry_or_fail(factory, row, owner, _reply(code, text), code >= 500, report)
            return conn
        code, text = conn.rcpt(row.to_address)
        if code not in (250, 251):
            conn.rset()
            _retry_or_fail(factory, row, owner, _reply(code, text), code >= 500, report)
            return conn
    except (OSError, smtplib.SMTPException) as exc:  # nothing handed over yet: safe to try again
        _retry_or_fail(factory, row, owner, f"Forbindelsen til mailserveren brød: {exc}", False, report)
        conn.close()
        return None
    _set(factory, row.id, owner, handed_over_at=utcnow())
    try:
        code, text = conn.data(data)  # raises SMTPDataError if DATA itself is refused
        if code != 250:
            raise smtplib.SMTPDataError(code, text)
    except smtplib.SMTPDataError as exc:  # a definite refusal: the server did not take the message
        _set(factory, row.id, owner, handed_over_at=None)
        _retry_or_fail(factory, row, owner, _reply(exc.smtp_code, exc.smtp_error), exc.smtp_code >= 500, report)
        try:
            conn.rset()
        except (OSError, smtplib.SMTPException):
            conn.close()
            return None
        return conn
    except (OSError, smtplib.SMTPException) as exc:  # no answer: the server may have it
        _set(factory, row.id, owner, status="uncertain", lease_owner=None, lease_until=None,
             last_error=f"{UNCERTAIN_TEXT} ({exc})")
        report.uncertain += 1
        conn.close()
        return None
    _set(factory, row.id, owner, status="sent", sent_at=utcnow(), lease_owner=None, lease_until=None,
         last_error=None)
    report.sent += 1
    log.info("mail sent", extra={"outbox_id": row.id, "kind": row.kind})
    return conn


def resend(session: Session, message: OutboxMessage, *, actor=None, ip: str | None = None) -> None:
    """Put a failed or uncertain message back in the queue (an administrator's decision, logged); flush only."""
    if message.status not in ("failed", "uncertain"):
        raise RecordError(f"mail {message.id}", "status", "mail.resend")
    message.status, message.due_at, message.handed_over_at = "pending", utcnow(), None
    message.attempts, message.coalesce_key = 0, None  # a fresh run of attempts; never merged into
    record(session, actor, "update", "outbox_message", message.id, purpose="send mail igen", ip=ip)
