"""What a worker did about a warning: marked it handled (with a note) or snoozed it until a day."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.accounts.models import User
from matcher.db import Base, utcnow

#: The two things a worker can do about a warning, with Danish labels.
WARNING_ACTIONS = {"handled": "Håndteret", "snoozed": "Udsat"}


class WarningAction(Base):
    """One decision about one warning, identified by its type, child, referral and ``since`` day.

    A warning whose situation changes (a new ``since``) is a new warning and shows again; a snoozed
    warning shows again on ``snoozed_until``. Rows are kept as the warning's history.
    """

    __tablename__ = "warning_actions"
    __table_args__ = (
        CheckConstraint("action IN ('handled', 'snoozed')", name="action"),
        CheckConstraint("action <> 'snoozed' OR snoozed_until IS NOT NULL", name="snooze_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"))
    warning_type: Mapped[str] = mapped_column(String(32))
    since: Mapped[dt.date] = mapped_column(Date)
    action: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    snoozed_until: Mapped[dt.date | None] = mapped_column(Date)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    by: Mapped[User | None] = relationship()
