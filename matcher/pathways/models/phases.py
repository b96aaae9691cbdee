"""A child's pathway: a sequence of phases, each ending only by a bridge or a recorded reason."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.accounts.models import User
from matcher.db import Base, utcnow
from matcher.labels import CLOSING_REASONS, PHASE_KINDS  # noqa: F401 - CLOSING_REASONS is re-exported by the models package
from matcher.pathways.models.children import Child, NetworkPerson

#: A bridge is a phase of one of these kinds following a phase of the key kind.
BRIDGE_TARGETS = {"fritidspakke": ("fritidsjob", "mentor")}

phase_network_persons = Table(
    "phase_network_persons",
    Base.metadata,
    Column("phase_id", ForeignKey("phases.id", ondelete="CASCADE"), primary_key=True),
    Column("network_person_id", ForeignKey("network_persons.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Phase(Base):
    """One phase of a pathway with goal, dates, responsible staff and supporting network.

    The database refuses an end date without a closing reason (and the reverse), and a
    second open phase for the same child: a phase can only end by a bridge to its
    successor or with a recorded reason.
    """

    __tablename__ = "phases"
    __table_args__ = (
        CheckConstraint("(end_date IS NULL AND closing_reason IS NULL) OR "
                        "(end_date IS NOT NULL AND closing_reason IS NOT NULL)", name="end_needs_reason"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_ordered"),
        Index("uq_phases_open_child", "child_id", unique=True,
              sqlite_where=text("end_date IS NULL"), postgresql_where=text("end_date IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    goal: Mapped[str | None] = mapped_column(Text)
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closing_reason: Mapped[str | None] = mapped_column(String(32))
    closing_note: Mapped[str | None] = mapped_column(Text)
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("phases.id", ondelete="SET NULL"),
                                                       unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    child: Mapped[Child] = relationship()
    responsible: Mapped[User | None] = relationship()
    predecessor: Mapped["Phase | None"] = relationship(remote_side=[id])
    network_persons: Mapped[list[NetworkPerson]] = relationship(
        secondary=phase_network_persons, order_by=NetworkPerson.id)

    @property
    def label(self) -> str:
        """Return the Danish name of the phase kind."""
        return PHASE_KINDS.get(self.kind, self.kind)

    def is_open_on(self, day: dt.date) -> bool:
        """Return whether the phase runs on ``day``."""
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)
