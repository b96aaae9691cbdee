"""Parse the HSDS API's query parameters (and POST bodies); a bad value is a 400 naming it."""

from __future__ import annotations

import datetime as dt

from flask import request

from matcher.catalogue.errors import bad_characters
from matcher.catalogue.hsds_feed import FeedFilter, Near
from matcher.matching.geo import OfflineGeocoder
from matcher.web.api import ApiError

MAX_PER_PAGE = 200
MAX_PER_PAGE_MINIMAL = 10_000
MAX_PAGE = 1_000_000
MAX_PROXIMITY_M = 1_000_000
TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


def params() -> dict[str, str]:
    """Return the request's parameters: the query string, and for POST also a form or JSON object body."""
    out = {k: v for k, v in request.args.items()}
    if request.method == "POST":
        body = request.get_json(silent=True) if request.is_json else None
        if request.is_json and request.get_data() and not isinstance(body, dict):
            raise ApiError(400, "Forespørgslens krop skal være et JSON-objekt med parametrene", "body")
        items = (body or {}).items() if request.is_json else request.form.items()
        for key, value in items:
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, (int, float)):
                value = str(value)
            elif not isinstance(value, str):
                raise ApiError(400, f"{key} skal være en tekst, et tal eller true/false", key)
            out.setdefault(key, value)
    return out


def text(p: dict[str, str], name: str, limit: int = 200) -> str | None:
    """Return the text parameter ``name`` stripped, or None when absent or empty."""
    raw = p.get(name)
    if raw is None or not raw.strip():
        return None
    if len(raw) > limit:
        raise ApiError(400, f"{name} må højst være {limit} tegn", name)
    if problem := bad_characters(raw):
        raise ApiError(400, f"{name}: {problem}", name)
    return raw.strip()


def integer(p: dict[str, str], name: str, default: int, lo: int, hi: int) -> int:
    """Return the whole-number parameter ``name`` within [lo, hi]."""
    raw = (p.get(name) or "").strip()
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or not lo <= int(raw) <= hi:
        raise ApiError(400, f"{name} skal være et helt tal mellem {lo} og {hi}", name)
    return int(raw)


def boolean(p: dict[str, str], name: str) -> bool:
    """Return the true/false parameter ``name`` (absent is false)."""
    raw = (p.get(name) or "").strip().lower()
    if raw == "" or raw in FALSE:
        return False
    if raw in TRUE:
        return True
    raise ApiError(400, f"{name} skal være true eller false", name)


def output_format(p: dict[str, str]) -> str:
    """Return ``json`` or ``ndjson``."""
    raw = (p.get("format") or "json").strip().lower()
    if raw not in ("json", "ndjson"):
        raise ApiError(400, "format skal være json eller ndjson", "format")
    return raw


def paging(p: dict[str, str], minimal: bool = False) -> tuple[int, int]:
    """Return ``page`` and ``per_page`` (a minimal list may have bigger pages, as the specification suggests)."""
    top = MAX_PER_PAGE_MINIMAL if minimal else MAX_PER_PAGE
    return (integer(p, "page", 1, 1, MAX_PAGE),
            integer(p, "per_page", MAX_PER_PAGE_MINIMAL if minimal else 50, 1, top))


def datetime_param(p: dict[str, str], name: str) -> dt.datetime | None:
    """Return an ISO 8601 date or date-time parameter as an aware UTC datetime (no zone means UTC)."""
    raw = text(p, name, 40)
    if raw is None:
        return None
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ApiError(400, f"{name} skal være en dato eller et tidspunkt (ISO 8601), fx 2026-11-30T12:00:00Z",
                       name) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


_geocoder: OfflineGeocoder | None = None


def near(p: dict[str, str]) -> tuple[str | None, Near | None]:
    """Return the ``postcode`` and, with ``proximity`` in metres, the circle around its centroid."""
    global _geocoder
    postcode = text(p, "postcode", 10)
    proximity = text(p, "proximity", 20)
    if postcode is not None and not (len(postcode) == 4 and postcode.isascii() and postcode.isdigit()):
        raise ApiError(400, "postcode skal være et dansk postnummer med fire cifre", "postcode")
    if proximity is None:
        return postcode, None
    try:
        metres = float(proximity)
    except ValueError:
        metres = float("nan")
    if not 0 < metres <= MAX_PROXIMITY_M:  # also false for nan
        raise ApiError(400, f"proximity skal være et antal meter over 0 og højst {MAX_PROXIMITY_M}", "proximity")
    if postcode is None:
        raise ApiError(400, "proximity kræver et postcode at måle fra", "proximity")
    _geocoder = _geocoder or OfflineGeocoder()
    centre = _geocoder.postcode(postcode)
    if centre is None:
        raise ApiError(400, f"postcode {postcode} er ikke et kendt dansk postnummer", "postcode")
    return postcode, Near(centre[0], centre[1], metres)


def feed_filter(p: dict[str, str], located: bool = False) -> FeedFilter:
    """Return the list filters of a services, organizations or service_at_locations request."""
    postcode, circle = near(p) if located else (None, None)
    return FeedFilter(search=text(p, "search"), taxonomy_term_id=text(p, "taxonomy_term_id"),
                      taxonomy_id=text(p, "taxonomy_id"), organization_id=text(p, "organization_id"),
                      modified_after=datetime_param(p, "modified_after"), postcode=postcode, near=circle)
