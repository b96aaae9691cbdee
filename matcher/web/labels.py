"""Danish labels and template filters for codes, money, dates and distances."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from flask import Flask

from matcher.clock import COPENHAGEN
from matcher.labels import (
    AUDIT_ACTION_NAMES,
    AUDIT_OBJECT_NAMES,
    DAYPART_NAMES,
    EXCLUSION_NAMES,
    FIELD_NAMES,
    GENDER_FILTERS,
    INTEREST_GROUP_NAMES,
    KIND_NAMES,
    LANGUAGE_NAMES,
    MONTHS,
    ORGANISATION_KIND_NAMES,
    ROLE_NAMES,
    SORT_NAMES,
    STATUS_NAMES,
    WEEKDAY_NAMES,
)
from matcher.urls import safe_url

#: The label tables, defined in ``matcher.labels``; imported from here by views and templates.
__all__ = ["AUDIT_ACTION_NAMES", "AUDIT_OBJECT_NAMES", "DAYPART_NAMES", "EXCLUSION_NAMES", "FIELD_NAMES",
           "GENDER_FILTERS", "INTEREST_GROUP_NAMES", "KIND_NAMES", "LANGUAGE_NAMES", "MONTHS",
           "ORGANISATION_KIND_NAMES", "SORT_NAMES", "STATUS_NAMES", "WEEKDAY_NAMES", "ages", "change_value",
           "danish_date", "danish_datetime", "error_sentence", "field_name", "init_app", "kroner", "km",
           "short_date"]


def kroner(value: Decimal | float | None) -> str:
    """Return '150 kr.' / 'Gratis' / '–' for a monthly fee."""
    if value is None:
        return "–"
    if value == 0:
        return "Gratis"
    whole = f"{float(value):,.0f}".replace(",", ".")
    return f"{whole} kr."


def km(value: float | None) -> str:
    """Return a distance with a Danish decimal comma: '2,3 km'."""
    return "" if value is None else f"{value:.1f} km".replace(".", ",")


def danish_date(value: dt.date | dt.datetime | str | None) -> str:
    """Return '1. september 2026' (also for an ISO date string)."""
    if value is None:
        return "aldrig"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"


def short_date(value: dt.date | str | None) -> str:
    """Return '16.10.2026' (for narrow table columns; also for an ISO date string)."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return "–" if value is None else f"{value.day}.{value.month}.{value.year}"


def copenhagen() -> dt.tzinfo:
    """Return the Europe/Copenhagen time zone."""
    return COPENHAGEN


def danish_datetime(value: dt.datetime | None) -> str:
    """Return '1. september 2026 kl. 14:05' in Copenhagen time."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(copenhagen())
    return f"{danish_date(value)} kl. {value:%H:%M}"


def change_value(value: str | None, field: str) -> str:
    """Return a ListingChange value as Danish text: dates, money, status and weekdays."""
    if value is None or value == "":
        return "–"
    if field == "verified_at":
        try:
            return danish_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if field == "monthly_fee_dkk":
        try:
            return kroner(Decimal(value))
        except InvalidOperation:
            return value
    if field == "status":
        return STATUS_NAMES.get(value, value)
    if field == "schedules":
        for code, name in WEEKDAY_NAMES.items():
            value = value.replace(code, name[:3])
        return value.replace(",", ", ").replace(";", ";\n")
    return value


def ages(lo: int | None, hi: int | None) -> str:
    """Return '10–12 år', 'fra 10 år', 'alle aldre'."""
    if lo is None and hi is None:
        return "Alle aldre"
    if hi is None:
        return f"Fra {lo} år"
    if lo is None:
        return f"Til {hi} år"
    return f"{lo}–{hi} år"


#: How an error message starts when it continues the field's name ("Fødselsår skal være …").
_CONTINUES = ("skal ", "kan ", "må ", "er ", "indeholder ", "hører ", "mangler", "findes ", "ligger ")


def field_name(field: str) -> str:
    """Return the Danish name of a form or API field (the key itself only when there is none)."""
    return FIELD_NAMES.get(field, field)


def error_sentence(field: str | None, message: str) -> str:
    """Return an error as one Danish sentence without field keys: "Fødselsdato kan ikke ligge i fremtiden."."""
    message = (message or "").strip()
    if not message:
        return ""
    label = FIELD_NAMES.get(field or "")
    if label and message.startswith(_CONTINUES):
        text = f"{label} {message}"
    else:
        text = message[0].upper() + message[1:]
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def init_app(app: Flask) -> None:
    """Register the filters and label tables with Jinja."""
    app.jinja_env.filters.update(kroner=kroner, km=km, dkdate=danish_date, dkdatetime=danish_datetime,
                                 shortdate=short_date, change_value=change_value, safe_url=safe_url, sentence=lambda message, field=None: error_sentence(field, message),
                                 field_name=field_name)
    app.jinja_env.globals.update(error_sentence=error_sentence)
    app.jinja_env.globals.update(
        ages=ages, WEEKDAY_NAMES=WEEKDAY_NAMES, KIND_NAMES=KIND_NAMES, STATUS_NAMES=STATUS_NAMES,
        ORGANISATION_KIND_NAMES=ORGANISATION_KIND_NAMES, LANGUAGE_NAMES=LANGUAGE_NAMES, FIELD_NAMES=FIELD_NAMES,
        EXCLUSION_NAMES=EXCLUSION_NAMES, GENDER_FILTERS=GENDER_FILTERS, DAYPART_NAMES=DAYPART_NAMES,
        SORT_NAMES=SORT_NAMES, AUDIT_ACTION_NAMES=AUDIT_ACTION_NAMES,
        AUDIT_OBJECT_NAMES=AUDIT_OBJECT_NAMES, ROLE_NAMES=ROLE_NAMES)
