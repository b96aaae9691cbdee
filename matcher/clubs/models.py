"""A club's answer to a shared referral, and an offer's waiting list."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.accounts.models import User
from matcher.catalogue.models import Offer
from matcher.db import Base, utcnow
from matcher.labels import CLUB_ANSWERS
from matcher.pathways.models import Referral

#: What a club may answer, with Danish labels.
class ClubAnswer(Base):
    """The club's answer to a referral shared with it; a later answer replaces the earlier one."""

    __tablename__ = "club_answers"
    __table_args__ = (
        CheckConstraint("answer IN ('welcome', 'no_room')", name="answer"),
        CheckConstraint("answer = 'no_room' OR first_session_on IS NOT NULL", name="welcome_has_date"),
        Index("ix_club_answers_referral_id_id", "referral_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"))
    answer: Mapped[str] = mapped_column(String(16))
    first_session_on: Mapped[dt.date | None] = mapped_column(Date)
    met_by: Mapped[str | None] = mapped_column(String(120))
    message: Mapped[str | None] = mapped_column(Text)
    suggested_offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="SET NULL"))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    referral: Mapped[Referral] = relationship()
    suggested_offer: Mapped[Offer | None] = relationship()
    answered_by: Mapped[User | None] = relationship()

    @property
    def label(self) -> str:
        """Return the Danish name of the answer."""
        return CLUB_ANSWERS[self.answer]


class WaitingListEntry(Base):
    """A referred child waiting for a spot on a full offer; told (through the contact person) when one frees."""

    __tablename__ = "waiting_list_entries"
    __table_args__ = (Index("ix_waiting_list_entries_offer_open", "offer_id", "removed_at", "added_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), unique=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    notified_at: Mapped[dt.datetime | None] = mapped_column()
    removed_at: Mapped[dt.datetime | None] = mapped_column()

    offer: Mapped[Offer] = relationship()
    referral: Mapped[Referral] = relationship()
