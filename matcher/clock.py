"""The product's notion of "now" and "today": the date in Copenhagen, wherever the server runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def utcnow() -> dt.datetime:
    """Return the current time, timezone-aware UTC (the system clock)."""
    return dt.datetime.now(dt.timezone.utc)


def local_today() -> dt.date:
    """Return today's date in Copenhagen by the system clock (the server may run in UTC)."""
    return utcnow().astimezone(COPENHAGEN).date()


class Clock:
    """Copenhagen's date and time, read from ``now`` (the system clock unless a test gives another).

    The runtime holds one; code that needs "today" asks it, or is given a date by a caller that did.
    """

    def __init__(self, now: Callable[[], dt.datetime] = utcnow):
        self._now = now

    @classmethod
    def fixed(cls, at: dt.datetime) -> "Clock":
        """Return a clock standing still at ``at`` (timezone-aware; tests and replays)."""
        if at.tzinfo is None:
            raise ValueError("a fixed clock needs a timezone-aware time")
        return cls(lambda: at)

    def now(self) -> dt.datetime:
        """Return the current time, timezone-aware UTC."""
        return self._now().astimezone(dt.timezone.utc)

    def local_now(self) -> dt.datetime:
        """Return the current time in Copenhagen."""
        return self._now().astimezone(COPENHAGEN)

    def today(self) -> dt.date:
        """Return today's date in Copenhagen."""
        return self.local_now().date()


SYSTEM_CLOCK = Clock()
