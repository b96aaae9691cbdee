"""Danish labels for money, distances, dates, ages and logged changes."""

import datetime as dt
from decimal import Decimal

from matcher.web.labels import ages, change_value, danish_date, danish_datetime, km, kroner


def test_labels():
    assert kroner(None) == "–" and kroner(Decimal("0")) == "Gratis" and kroner(Decimal("1250.00")) == "1.250 kr."
    assert km(2.345) == "2,3 km" and km(None) == ""
    assert danish_date(dt.date(2026, 9, 1)) == "1. september 2026" and danish_date(None) == "aldrig"
    assert danish_datetime(dt.datetime(2026, 7, 1, 10, 5, tzinfo=dt.timezone.utc)) == "1. juli 2026 kl. 12:05"
    assert ages(10, 12) == "10–12 år" and ages(None, None) == "Alle aldre" and ages(13, None) == "Fra 13 år"


def test_change_values_read_as_danish():
    assert change_value("2026-11-25", "verified_at") == "25. november 2026"
    assert change_value("95.50", "monthly_fee_dkk") == "96 kr."
    assert change_value("paused", "status") == "På pause"
    assert change_value("tue,thu 16:30-17:45", "schedules") == "tir, tor 16:30-17:45"
    assert change_value(None, "title") == "–"
