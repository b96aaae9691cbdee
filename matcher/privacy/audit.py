"""Write and read the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.privacy.models import ACTIONS, AuditEvent


def record(session: Session, actor: Any, action: str, object_type: str, object_id: int | None = None, *,
           child_id: int | None = None, purpose: str | None = None, ip: str | None = None,
           detail: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event; ``actor`` is a User (or None for the system); flush only."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    user = getattr(actor, "user", actor)  # accept the web's SessionUser wrapper too
    event = AuditEvent(
        actor_id=getattr(user, "id", None), actor_email=getattr(user, "email", None),
        actor_role=getattr(getattr(user, "role", None), "value", None), action=action,
        object_type=object_type, object_id=object_id, child_id=child_id, purpose=purpose, ip=ip, detail=detail)
    session.add(event)
    session.flush()
    return event


def events_for_child(session: Session, child_id: int) -> list[AuditEvent]:
    """Return every logged look-up and change of a child's record, oldest first."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.child_id == child_id).order_by(AuditEvent.id)))


def event_dict(event: AuditEvent) -> dict[str, Any]:
    """Return an audit event as JSON-ready data."""
    return {"id": event.id, "at": event.at.isoformat(), "actor": event.actor_email, "role": event.actor_role,
            "action": event.action, "object_type": event.object_type, "object_id": event.object_id,
            "child_id": event.child_id, "purpose": event.purpose, "ip": event.ip, "detail": event.detail}
