"""A child (pseudonymous) and the people from the family's network around the child."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.accounts.models import User
from matcher.catalogue.models import District
from matcher.db import Base, utcnow
from matcher.labels import GENDERS

__all__ = ["GENDERS"]  # labels from matcher.labels, imported from here by older code

class Child(Base):
    """A child or young person, stored pseudonymously: no name, CPR number or address.

    The personal fields (code, birth date, postcode, interests, languages, weekdays) are
    nullable so that an erased child keeps only ``district_id`` and the dated rows that
    feed anonymous counts.
    """

    __tablename__ = "children"
    __table_args__ = (
        CheckConstraint("gender IN ('girl', 'boy', 'other', 'unknown')", name="gender"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    # Only the birth year is known: ``birth_date`` holds 1 July of that year.
    birth_year_only: Mapped[bool] = mapped_column(Boolean, default=False)
    gender: Mapped[str] = mapped_column(String(16), default="unknown")
    postcode: Mapped[str | None] = mapped_column(String(4))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    interests: Mapped[str | None] = mapped_column(Text)
    languages: Mapped[list[str] | None] = mapped_column(JSON)
    weekdays: Mapped[list[str] | None] = mapped_column(JSON)
    contact_person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                          index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[dt.datetime | None] = mapped_column()
    erased_at: Mapped[dt.datetime | None] = mapped_column()

    district: Mapped[District | None] = relationship()
    contact_person: Mapped[User | None] = relationship()
    network: Mapped[list["NetworkPerson"]] = relationship(
        back_populates="child", cascade="all, delete-orphan", order_by="NetworkPerson.id")

    def age_on(self, day: dt.date) -> int | None:
        """Return the child's age in whole years on ``day``, if the birth date is known."""
        if self.birth_date is None:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class NetworkPerson(Base):
    """Someone from the family's network who can accompany the child ("think network first")."""

    __tablename__ = "network_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    # A first name or a role label such as "moster"; blanked when the child is erased.
    label: Mapped[str] = mapped_column(String(80), default="")
    relation: Mapped[str] = mapped_column(String(80), default="")
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    child: Mapped[Child] = relationship(back_populates="network")
