"""Write and read the audit log."""

from __future__ import annotations

import datetime as dt
import io
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, column, func, select, table
from sqlalchemy.orm import Session

from matcher.catalogue.errors import RecordError
from matcher import csvfile
from matcher.clock import COPENHAGEN
from matcher.db import parse_id
from matcher.lasting import write_lasting
from matcher.privacy.models import ACTIONS, AuditEvent

#: The children table, by name only: like ``AuditEvent.child_id`` (no foreign key), the log does not depend
#: on the pathway models; it only looks a child's code up to filter by it.
CHILDREN = table("children", column("id"), column("code"))

CHILD_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,19}$")
_COLUMNS = [c.key for c in AuditEvent.__table__.columns if c.key != "id"]
#: Events that happened whatever the answer: they stay in the log when the request is rolled back.
LASTING_ACTIONS = frozenset({"view", "login_failed", "export"})
SEEN = "matcher.audit.seen"  # the lasting events of this request, by what they name (see ``once_per_request``)


def record(session: Session, actor: Any, action: str, object_type: str, object_id: int | None = None, *,
           child_id: int | None = None, purpose: str | None = None, ip: str | None = None,
           detail: dict[str, Any] | None = None, lasting: bool | None = None) -> AuditEvent | None:
    """Append one event; ``actor`` is a User (or None for the system); flush only.

    A lasting event (a look-up, a failed login, an export; ``lasting`` overrides the action's
    default) stays in the log when the transaction is rolled back (``matcher.lasting``). In a
    request scope (``once_per_request``) a second lasting event naming the same actor, action and
    record is not written again, and None is returned.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    user = getattr(actor, "user", actor)  # accept the web's SessionUser wrapper too
    values = dict(actor_id=getattr(user, "id", None), actor_email=getattr(user, "email", None),
                  actor_role=getattr(getattr(user, "role", None), "value", None), action=action,
                  object_type=object_type, object_id=object_id, child_id=child_id, purpose=purpose, ip=ip,
                  detail=detail)
    if not (action in LASTING_ACTIONS if lasting is None else lasting):
        return _add(session, values)
    seen = session.info.get(SEEN)
    if seen is not None:
        key = (values["actor_id"], action, object_type, object_id, child_id)
        if key in seen:
            return None
        seen.add(key)
    return write_lasting(session, functools.partial(_add, values=values))


def _add(session: Session, values: dict[str, Any]) -> AuditEvent:
    entry = AuditEvent(**values)
    session.add(entry)
    session.flush()
    return entry


def record_lookups(session: Session, actor: Any, child_ids: Iterable[int], purpose: str, ip: str | None) -> None:
    """Append one lasting 'view' event per child shown in a list (each look-up is named), in one flush."""
    user = getattr(actor, "user", actor)
    seen = session.info.get(SEEN)
    rows = []
    for cid in dict.fromkeys(child_ids):
        key = (user.id, "view", "child", cid, cid)
        if seen is not None:
            if key in seen:
                continue
            seen.add(key)
        rows.append(dict(actor_id=user.id, actor_email=user.email, actor_role=user.role.value, action="view",
                         object_type="child", object_id=cid, child_id=cid, purpose=purpose, ip=ip))
    if rows:
        write_lasting(session, functools.partial(_add_all, rows=rows))


def _add_all(session: Session, rows: list[dict[str, Any]]) -> None:
    session.add_all(AuditEvent(**values) for values in rows)


def once_per_request(session: Session) -> None:
    """Make ``session`` a request's: each look-up of one record by one actor is logged once in it."""
    session.info[SEEN] = set()


def events_for_child(session: Session, child_id: int) -> list[AuditEvent]:
    """Return every logged look-up and change of a child's record, oldest first."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.child_id == child_id).order_by(AuditEvent.id)))


def event_dict(event: AuditEvent) -> dict[str, Any]:
    """Return an audit event as JSON-ready data."""
    return {"id": event.id, "at": event.at.isoformat(), "actor": event.actor_email, "role": event.actor_role,
            "action": event.action, "object_type": event.object_type, "object_id": event.object_id,
            "child_id": event.child_id, "purpose": event.purpose, "ip": event.ip, "detail": event.detail}


@dataclass(frozen=True)
class AuditQuery:
    """Which events an administrator asks for; every filter is optional."""

    actor: str = ""  # part of the actor's e-mail
    action: str = ""
    child_id: int | None = None
    child_code: str = ""  # the child's pseudonymous code, as every screen shows it
    date_from: dt.date | None = None  # Copenhagen dates, both inclusive
    date_to: dt.date | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "AuditQuery":
        """Read the filters from query-string style ``args``; a RecordError names a bad one."""
        def day(name: str) -> dt.date | None:
            raw = (args.get(name) or "").strip()
            if not raw:
                return None
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                raise RecordError("revisionslog", name, "audit.date") from None

        action = (args.get("action") or "").strip()
        if action and action not in ACTIONS:
            raise RecordError("revisionslog", "action", "one_of", allowed=", ".join(ACTIONS))
        raw_child = (args.get("child") or "").strip()
        child_id = parse_id(raw_child) if raw_child.isdigit() else None
        code = "" if child_id is not None else raw_child.upper()
        if code and not CHILD_CODE.match(code):
            raise RecordError("revisionslog", "child", "audit.child")
        query = cls(actor=(args.get("actor") or "").strip().lower()[:254], action=action, child_id=child_id,
                    child_code=code, date_from=day("from"), date_to=day("to"))
        if query.date_from and query.date_to and query.date_from > query.date_to:
            raise RecordError("revisionslog", "to", "audit.date_order")
        return query

    def statement(self) -> Select:
        """Return the SELECT of the matching events, newest first."""
        stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
        if self.actor:
            stmt = stmt.where(func.lower(AuditEvent.actor_email).contains(self.actor, autoescape=True))
        if self.action:
            stmt = stmt.where(AuditEvent.action == self.action)
        if self.child_id is not None:
            stmt = stmt.where(AuditEvent.child_id == self.child_id)
        if self.child_code:
            stmt = stmt.where(AuditEvent.child_id.in_(select(CHILDREN.c.id).where(CHILDREN.c.code == self.child_code)))
        if self.date_from:
            stmt = stmt.where(AuditEvent.at >= _start_of(self.date_from))
        if self.date_to:
            stmt = stmt.where(AuditEvent.at < _start_of(self.date_to + dt.timedelta(days=1)))
        return stmt

    def describe(self) -> str:
        """Return the filters as text, for the log entry of an export."""
        parts = [f"{k}={v}" for k, v in (("actor", self.actor), ("action", self.action), ("child", self.child_code or self.child_id),
                                         ("from", self.date_from), ("to", self.date_to)) if v not in ("", None)]
        return ", ".join(parts) or "hele loggen"


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=COPENHAGEN)


CSV_COLUMNS = ("id", "at", "actor", "role", "action", "object_type", "object_id", "child_id", "purpose", "ip")


def export_csv(session: Session, actor: Any, query: AuditQuery, ip: str | None = None) -> Iterator[str]:
    """Log the export of the matching events (a lasting event) and return their CSV lines, to stream.

    The event is written before the first line: the caller's transaction boundary commits it, and
    keeps it if the answer fails, before a single row leaves.
    """
    record(session, actor, "export", "audit_log", purpose=query.describe(), ip=ip)
    return iter_csv(session, query)


def iter_csv(session: Session, query: AuditQuery) -> Iterator[str]:
    """Yield the matching events as CSV lines (header first), streamed in batches."""
    out = io.StringIO()
    writer = csvfile.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for event in session.scalars(query.statement().execution_options(yield_per=1000)):
        row = event_dict(event)
        writer.writerow([row[c] for c in CSV_COLUMNS])
        if out.tell() > 64 * 1024:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()
