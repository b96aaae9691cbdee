"""Referrals of a child to an offer or mentor, their status history and logged participation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    false,
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.accounts.models import User
from matcher.catalogue.models import Mentor, Offer
from matcher.db import Base, utcnow
from matcher.labels import ACCOMPANIED_BY, END_REASONS, REFERRAL_STATUSES
from matcher.pathways.models.children import Child, NetworkPerson
from matcher.pathways.models.phases import Phase

__all__ = ["ACCOMPANIED_BY", "END_REASONS", "REFERRAL_STATUSES"]  # labels from matcher.labels

def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Referral(Base):
    """A child proposed to exactly one offer (activity, leisure job) or mentor, and followed."""

    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint("(offer_id IS NOT NULL AND mentor_id IS NULL) OR "
                        "(offer_id IS NULL AND mentor_id IS NOT NULL)", name="one_target"),
        CheckConstraint(_in("status", REFERRAL_STATUSES), name="status"),
        CheckConstraint("end_reason IS NULL OR " + _in("end_reason", END_REASONS), name="end_reason"),
        CheckConstraint("(status = 'ended') = (end_reason IS NOT NULL)", name="ended_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    phase_id: Mapped[int | None] = mapped_column(ForeignKey("phases.id", ondelete="SET NULL"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id"), index=True)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("mentors.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="suggested", index=True)
    end_reason: Mapped[str | None] = mapped_column(String(32))
    end_note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Effective dates (the day things happened, which staff may record afterwards).
    suggested_on: Mapped[dt.date] = mapped_column(Date)
    status_since: Mapped[dt.date] = mapped_column(Date)
    active_since: Mapped[dt.date | None] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    # Cache of the first attended session among current participation entries.
    first_session_on: Mapped[dt.date | None] = mapped_column(Date)
    # Copied from the matcher at creation, for outcome learning.
    match_score: Mapped[float | None] = mapped_column(Float)
    match_components: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # What a contact person shared with the club, with consent; clubs see nothing else.
    shared_with_club_on: Mapped[dt.date | None] = mapped_column(Date)
    shared_with_club_scope: Mapped[str | None] = mapped_column(Text)
    shared_with_club_name: Mapped[str | None] = mapped_column(String(40))

    child: Mapped[Child] = relationship()
    phase: Mapped[Phase | None] = relationship()
    offer: Mapped[Offer | None] = relationship()
    mentor: Mapped[Mentor | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    events: Mapped[list["ReferralEvent"]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="ReferralEvent.id")

    @property
    def status_label(self) -> str:
        """Return the Danish name of the status."""
        return REFERRAL_STATUSES[self.status]


class ReferralEvent(Base):
    """One status change of a referral: from, to, when it took effect, who recorded it."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    end_reason: Mapped[str | None] = mapped_column(String(32))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    referral: Mapped[Referral] = relationship(back_populates="events")
    by: Mapped[User | None] = relationship()


class Participation(Base):
    """A logged session of a referral; a correction is a new row superseding the old one."""

    __tablename__ = "participations"
    __table_args__ = (
        CheckConstraint(_in("accompanied_by", ACCOMPANIED_BY), name="accompanied_by"),
        Index("ix_participations_referral_date", "referral_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    attended: Mapped[bool] = mapped_column(Boolean)
    accompanied_by: Mapped[str] = mapped_column(String(16), default="alone")
    network_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_persons.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    logged_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Logged by the club (a club representative in Min forening or the API), not by staff.
    logged_by_club: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The entry this row corrects; the current view ignores superseded rows.
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("participations.id"), unique=True)
    # A correction that withdraws the entry altogether (logged by mistake).
    voided: Mapped[bool] = mapped_column(Boolean, default=False)

    referral: Mapped[Referral] = relationship()
    network_person: Mapped[NetworkPerson | None] = relationship()
    logged_by: Mapped[User | None] = relationship()
    supersedes: Mapped["Participation | None"] = relationship(remote_side=[id])
