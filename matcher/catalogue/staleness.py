"""When a listing counts as stale: not confirmed by its club for a number of days."""

from __future__ import annotations

import datetime as dt


def is_stale(verified_at: dt.date | None, today: dt.date, stale_after_days: int) -> bool:
    """Return whether a listing has not been confirmed for ``stale_after_days``."""
    return verified_at is None or (today - verified_at).days > stale_after_days
