"""A child's shortlist of offers, and a user's saved searches."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.catalogue.models import Offer
from matcher.db import Base, utcnow

#: Where an offer was put on the shortlist from.
SOURCES = {"search": "Søg tilbud", "match": "Find fællesskaber", "offer": "Tilbuddets side"}


class ShortlistItem(Base):
    """One offer on a child's shortlist: to talk over with the child and the family before a referral."""

    __tablename__ = "shortlist_items"
    __table_args__ = (UniqueConstraint("child_id", "offer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(16), default="search")
    # What to remember for the talk with the family (no CPR numbers; checked like other notes).
    note: Mapped[str | None] = mapped_column(Text)

    offer: Mapped[Offer] = relationship()


class SavedSearch(Base):
    """A search a user keeps under a name, to run again from Søg tilbud."""

    __tablename__ = "saved_searches"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # The search page's arguments (q, district, age, …) as given; parsed again on every use.
    query: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
