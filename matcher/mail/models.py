"""The outbox (one row per mail), leased periodic jobs and single-use signed links."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from matcher.db import Base, utcnow

#: Outbox states. ``sending``: claimed by a worker (leased); ``uncertain``: a worker died after the
#: SMTP server may have accepted the message, so it is never sent again without an administrator.
OUTBOX_STATUSES = {
    "pending": "Venter",
    "sending": "Sendes",
    "sent": "Sendt",
    "failed": "Fejlet",
    "uncertain": "Måske sendt",
}


class OutboxMessage(Base):
    """One mail, written in the transaction of the event that causes it and sent later by a worker."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed', 'uncertain')", name="status"),
        Index("ix_outbox_messages_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The RFC 5322 Message-ID, fixed when the row is written: every attempt sends the same id.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # Notices to staff with the same key are merged while unsent ("Du har 3 nye svar").
    coalesce_key: Mapped[str | None] = mapped_column(String(120), index=True)
    count: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    due_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[dt.datetime | None] = mapped_column()
    # Set (and committed) just before the DATA command: past this point the server may have the mail.
    handed_over_at: Mapped[dt.datetime | None] = mapped_column()
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column()

    @property
    def status_label(self) -> str:
        """Return the Danish name of the status."""
        return OUTBOX_STATUSES[self.status]


class JobLease(Base):
    """A periodic job: when it is next due and which worker holds it (so two never run it at once)."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    next_due_at: Mapped[dt.datetime] = mapped_column()
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[dt.datetime | None] = mapped_column()
    last_started_at: Mapped[dt.datetime | None] = mapped_column()
    last_finished_at: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    runs: Mapped[int] = mapped_column(Integer, default=0)


class SignedLink(Base):
    """A single-use link sent by mail (only its SHA-256 is stored), e.g. a club confirming its listings."""

    __tablename__ = "signed_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(40))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                        index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    used_at: Mapped[dt.datetime | None] = mapped_column()
