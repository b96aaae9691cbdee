"""Reporting periods: a year, a half-year or a quarter, and the period before as baseline."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from matcher.catalogue.errors import RecordError

PATTERN = re.compile(r"^(\d{4})(?:(Q)([1-4])|(H)([12]))?$")


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` moved by ``months``, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (next_month - dt.timedelta(days=1)).day))


@dataclass(frozen=True)
class Period:
    """A closed date range ``start`` .. ``end`` (both inclusive) with a label like 2025Q3."""

    start: dt.date
    end: dt.date
    label: str

    @classmethod
    def parse(cls, text: str) -> "Period":
        """Parse ``2025``, ``2025H1`` or ``2025Q3``."""
        m = PATTERN.match((text or "").strip().upper())
        if not m:
            raise RecordError("rapport", "period", "report.period", got=repr(text))
        year = int(m.group(1))
        if m.group(2):
            months, first = 3, (int(m.group(3)) - 1) * 3 + 1
        elif m.group(4):
            months, first = 6, (int(m.group(5)) - 1) * 6 + 1
        else:
            months, first = 12, 1
        start = dt.date(year, first, 1)
        return cls(start, add_months(start, months) - dt.timedelta(days=1), m.group(0))

    @property
    def months(self) -> int:
        """Return the length of the period in months."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def previous(self) -> "Period":
        """Return the period of the same length just before this one."""
        return Period.parse(self._label(add_months(self.start, -self.months)))

    def shifted(self, months: int) -> tuple[dt.date, dt.date]:
        """Return this period's dates moved by ``months`` (negative = back)."""
        day = dt.timedelta(days=1)
        return add_months(self.start, months), add_months(self.end + day, months) - day

    def reference_day(self, today: dt.date | None = None) -> dt.date:
        """Return the period's last day, or ``today`` while the period is running."""
        return min(self.end, today) if today is not None and today >= self.start else self.end

    def _label(self, start: dt.date) -> str:
        if self.months == 12:
            return str(start.year)
        if self.months == 6:
            return f"{start.year}H{(start.month - 1) // 6 + 1}"
        return f"{start.year}Q{(start.month - 1) // 3 + 1}"

    def __str__(self) -> str:
        return self.label
