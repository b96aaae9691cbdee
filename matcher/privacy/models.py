"""The append-only audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from matcher.db import Base, utcnow

#: Actions the audit log records.
ACTIONS = ("view", "create", "update", "export", "erase", "retention", "login", "login_failed", "logout",
           "totp_enrolled", "totp_reset", "password_changed", "password_reset")


class AuditEvent(Base):
    """Who did what to which record, when, from where, and why. Never updated or deleted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(index=True)  # no foreign key: the log outlives accounts
    # Copied so the log still names the actor if the account is later removed.
    actor_email: Mapped[str | None] = mapped_column(String(254))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(20))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column()
    # The child concerned, if any (no foreign key: the log outlives what it describes).
    child_id: Mapped[int | None] = mapped_column(index=True)
    purpose: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


@event.listens_for(AuditEvent, "before_update")
def _no_update(_mapper, _conn, target: AuditEvent) -> None:
    raise PermissionError(f"audit event {target.id} cannot be changed")


@event.listens_for(AuditEvent, "before_delete")
def _no_delete(_mapper, _conn, target: AuditEvent) -> None:
    raise PermissionError(f"audit event {target.id} cannot be deleted")
