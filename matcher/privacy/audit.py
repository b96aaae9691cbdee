"""Write and read the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from matcher.privacy.models import ACTIONS, AuditEvent

PENDING = "audit_pending"
_COLUMNS = [c.key for c in AuditEvent.__table__.columns if c.key != "id"]


def record(session: Session, actor: Any, action: str, object_type: str, object_id: int | None = None, *,
           child_id: int | None = None, purpose: str | None = None, ip: str | None = None,
           detail: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event; ``actor`` is a User (or None for the system); flush only."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    user = getattr(actor, "user", actor)  # accept the web's SessionUser wrapper too
    entry = AuditEvent(
        actor_id=getattr(user, "id", None), actor_email=getattr(user, "email", None),
        actor_role=getattr(getattr(user, "role", None), "value", None), action=action,
        object_type=object_type, object_id=object_id, child_id=child_id, purpose=purpose, ip=ip, detail=detail)
    session.add(entry)
    session.flush()
    # Kept as plain values: if the transaction is rolled back the look-up is written again.
    session.info.setdefault(PENDING, []).append({key: getattr(entry, key) for key in _COLUMNS})
    return entry


def take_pending(session: Session) -> list[dict[str, Any]]:
    """Return (and forget) the values of the events written in the current transaction."""
    return session.info.pop(PENDING, [])


def rewrite(session: Session, values: list[dict[str, Any]]) -> None:
    """Write events again after their transaction was rolled back.

    A request that answers with an error rolls back its changes, but a look-up of a child's
    record still happened and must stay in the log.
    """
    session.add_all(AuditEvent(**v) for v in values)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(PENDING, None)  # written for good: nothing to rewrite after a later rollback


def events_for_child(session: Session, child_id: int) -> list[AuditEvent]:
    """Return every logged look-up and change of a child's record, oldest first."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.child_id == child_id).order_by(AuditEvent.id)))


def event_dict(event: AuditEvent) -> dict[str, Any]:
    """Return an audit event as JSON-ready data."""
    return {"id": event.id, "at": event.at.isoformat(), "actor": event.actor_email, "role": event.actor_role,
            "action": event.action, "object_type": event.object_type, "object_id": event.object_id,
            "child_id": event.child_id, "purpose": event.purpose, "ip": event.ip, "detail": event.detail}
