"""The product's notion of "today": the date in Copenhagen, wherever the server runs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def local_today() -> dt.date:
    """Return today's date in Copenhagen (the server may run in UTC)."""
    return dt.datetime.now(COPENHAGEN).date()
