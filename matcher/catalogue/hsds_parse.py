"""Validate HSDS 3.1 services (Danish profile) into plain values, naming each bad record and field."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from matcher.catalogue import hsds_profile as P
from matcher.catalogue.districts import slugify
from matcher.catalogue.errors import Problem, RecordError, bad_characters
from matcher.messages import render
from matcher.catalogue.models import GenderRestriction, OfferKind, OfferStatus, OrganisationKind
from matcher.catalogue.hsds_hygiene import check_links_and_names, may_hold_bad_links_or_names

POSTCODE = re.compile(r"^\d{4}$")
# What in a record's JSON text can decode to a character ``bad_characters`` refuses: an escape of a
# control character (\b, \f, \u0000-\u001f, \u007f), of a surrogate or of U+FFFF, or DEL or U+FFFF
# as they are (other control characters are not JSON unescaped). A superset: "\\b" matches too.
# The escapes are one pattern that starts with a backslash, so the regex engine jumps from backslash
# to backslash; DEL and U+FFFF are found with ``in``. (With them as a character class in the same
# pattern the engine tried a match at every position of the text: 50 times slower.)
_BAD_ESCAPE = re.compile(r"\\(?:[bf]|u(?:00[01]|007[fF]|[dD][89a-fA-F]|[fF]{4}))")


def may_spell_bad_characters(text: str) -> bool:
    """Tell from a record's JSON text whether one of its texts can hold a character ``bad_characters`` refuses."""
    return "\x7f" in text or "\uffff" in text or _BAD_ESCAPE.search(text) is not None


@dataclass
class ParsedTerm:
    """A taxonomy term met on a service attribute."""

    taxonomy: str
    code: str
    name: str


@dataclass
class ParsedOrganisation:
    """The organisation fields the catalogue models."""

    external_id: str
    name: str
    description: str
    email: str | None
    website: str | None
    phone: str | None
    source: dict[str, Any]
    # Third-party identifiers as (scheme, identifier), e.g. ("DK-CVR", "12345678").
    identifiers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ParsedService:
    """One service, validated, as plain values ready to store."""

    external_id: str
    title: str
    description: str
    status: OfferStatus
    kind: OfferKind
    age_min: int | None
    age_max: int | None
    gender: GenderRestriction | None
    verified_at: dt.date | None
    fee: Decimal | None
    fee_support: bool
    capacity: int | None
    spots_free: int | None
    languages: list[str]
    place: dict[str, Any]
    schedules: list[dict[str, Any]]
    interests: list[ParsedTerm]
    organisation: ParsedOrganisation
    organisation_kind: OrganisationKind | None
    vulnerable_experience: bool
    childcert_policy: bool
    other_attributes: list[dict[str, Any]]
    source: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

class _Checker:
    """Collects field errors for one record while reading its values."""

    def __init__(self, record: str, errors: list[RecordError], clean: bool = False):
        self.record = record
        self.errors = errors
        self.clean = clean  # the record's JSON text cannot spell a character ``bad_characters`` refuses

    def fail(self, fieldname: str, code: str, **params: Any) -> None:
        self.errors.append(RecordError(self.record, fieldname, code, **params))

    def refuse(self, fieldname: str, problem: Problem) -> None:
        self.errors.append(RecordError.of(self.record, fieldname, problem))

    def text(self, obj: dict, key: str, path: str, required: bool = False, limit: int = 10_000) -> str | None:
        value = obj.get(key)
        if value.__class__ is str and self.clean and 0 < len(value) <= limit:  # most texts: the checks below pass
            return value.strip() if key == "id" else value
        if value is None or value == "":
            if required:
                self.fail(path, "import.required")
            return None
        if not isinstance(value, str):
            self.fail(path, "import.text", got=type(value).__name__)
            return None
        if len(value) > limit:
            self.fail(path, "import.longer_than", max=limit)
            return None
        if not self.clean and (problem := bad_characters(value)):
            self.refuse(path, problem)
            return None
        return value.strip() if key == "id" else value

    def integer(self, obj: dict, key: str, path: str, low: int, high: int) -> int | None:
        value = obj.get(key)
        if value.__class__ is int and low <= value <= high:  # most numbers: the checks below pass
            return value
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            self.fail(path, "import.whole_number", got=repr(value))
            return None
        # Finite and in range before int(): int() of NaN or Infinity raises, of 1e999999 (a streaming
        # parser's Decimal) takes ages.
        finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        if not finite:
            self.fail(path, "import.whole_number", got=repr(value))
            return None
        if not low <= value <= high:
            self.fail(path, "import.between", low=low, high=high, got=value)
            return None
        if value != int(value):
            self.fail(path, "import.whole_number", got=repr(value))
            return None
        return int(value)

    def obj(self, value: Any, path: str) -> dict | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(path, "import.object_got", got=type(value).__name__)
            return None
        return value

    def items(self, obj: dict, key: str) -> list[dict]:
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, "import.list_got", got=type(value).__name__)
            return []
        good = [item for item in value if isinstance(item, dict)]
        if len(good) < len(value):
            for i, item in enumerate(value):
                if not isinstance(item, dict):
                    self.fail(f"{key}[{i}]", "import.object_got", got=type(item).__name__)
        return good


def parse_service(raw: Any, index: int, errors: list[RecordError], strict: bool = True,
                  text: str | None = None) -> ParsedService | None:
    """Validate one HSDS service; append field errors and return None when it is bad.

    ``text``, the record's JSON text when known, lets the link and name walk be skipped for a
    record whose text holds no link key, no invisible character and no escape.
    """
    label = f"service[{index}]"
    if not isinstance(raw, dict):
        errors.append(RecordError(label, "-", "import.object_got", got=type(raw).__name__))
        return None
    if isinstance(raw.get("id"), str) and raw["id"]:
        label = f"service[{index}] id={raw['id']}"
    c = _Checker(label, errors, clean=text is not None and may_spell_bad_characters(text) is False)
    before = len(errors)
    if text is None or may_hold_bad_links_or_names(text):
        check_links_and_names(c, raw)
    ext_id = c.text(raw, "id", "id", required=True, limit=120)
    title = c.text(raw, "name", "name", required=True, limit=200)
    description = c.text(raw, "description", "description") or ""
    status_raw = c.text(raw, "status", "status", required=True)
    status = P.STATUS_FROM_HSDS.get(status_raw or "")
    if status_raw and status is None:
        c.fail("status", "import.one_of", allowed=", ".join(P.STATUS_FROM_HSDS), got=repr(status_raw))
    age_min = c.integer(raw, "minimum_age", "minimum_age", 0, 120)
    age_max = c.integer(raw, "maximum_age", "maximum_age", 0, 120)
    if age_min is not None and age_max is not None and age_min > age_max:
        c.fail("minimum_age", "hsds.age_order", min=age_min, max=age_max)
    verified_at = _date(c, raw.get("assured_date"), "assured_date")

    org = _organisation(c, raw.get("organization"))
    place, warnings = _place(c, raw, strict)
    schedules = _schedules(c, raw)
    fee = _fee(c, raw)
    capacity, spots = _capacity(c, raw)
    languages = [code for i, item in enumerate(c.items(raw, "languages"))
                 if (code := c.text(item, "code", f"languages[{i}].code", limit=20)
                     or c.text(item, "name", f"languages[{i}].name", limit=60))]
    terms, others = _attributes(c, raw)
    if len(errors) > before:
        return None

    kind = OfferKind.activity
    gender = None
    org_kind = None
    flags: set[str] = set()
    interests = []
    for term in terms:
        if term.taxonomy == P.INTEREST:
            interests.append(term)
        elif term.taxonomy == P.OFFER_KIND and term.code in {k.value for k in OfferKind}:
            kind = OfferKind(term.code)
        elif term.taxonomy == P.GENDER and term.code in {g.value for g in GenderRestriction}:
            gender = GenderRestriction(term.code)
        elif term.taxonomy == P.ORGANISATION_KIND and term.code in {k.value for k in OrganisationKind}:
            org_kind = OrganisationKind(term.code)
        elif term.taxonomy in (P.SUPPORT, P.INCLUSION):
            flags.add(term.code)
        else:
            c.fail("attributes", "hsds.unknown_term", code=repr(term.code), taxonomy=repr(term.taxonomy))
    if len(errors) > before:
        return None
    return ParsedService(
        external_id=ext_id, title=title, description=description, status=status, kind=kind,
        age_min=age_min, age_max=age_max, gender=gender, verified_at=verified_at,
        fee=fee, fee_support=P.FEE_SUPPORT in flags, capacity=capacity, spots_free=spots,
        languages=languages, place=place, schedules=schedules, interests=interests,
        organisation=org, organisation_kind=org_kind,
        vulnerable_experience=P.VULNERABLE_EXPERIENCE in flags, childcert_policy=P.CHILDCERT_POLICY in flags,
        other_attributes=others, source=raw, warnings=warnings,
    )


def _date(c: _Checker, value: Any, path: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        c.fail(path, "import.date", got=repr(value))
        return None


def _organisation(c: _Checker, value: Any) -> ParsedOrganisation | None:
    org = c.obj(value, "organization")
    if org is None:
        if value is None:
            c.fail("organization", "hsds.organisation_required")
        return None
    ext = c.text(org, "id", "organization.id", required=True, limit=120)
    name = c.text(org, "name", "organization.name", required=True, limit=200)
    phones = [p for p in org.get("phones") or [] if isinstance(p, dict) and p.get("number")]
    phone = str(phones[0]["number"])[:40] if phones else None
    if phone and (problem := bad_characters(phone)):
        c.refuse("organization.phones[0].number", problem)
    return ParsedOrganisation(
        external_id=ext, name=name, description=c.text(org, "description", "organization.description") or "",
        email=c.text(org, "email", "organization.email", limit=200),
        website=c.text(org, "website", "organization.website", limit=300),
        phone=phone, source=org, identifiers=_identifiers(c, org))


def _identifiers(c: _Checker, org: dict) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    items = org.get("organization_identifiers")
    if items is None:
        return out
    if not isinstance(items, list):
        c.fail("organization.organization_identifiers", "import.list_got", got=type(items).__name__)
        return out
    for i, item in enumerate(items):
        path = f"organization.organization_identifiers[{i}]"
        if not isinstance(item, dict):
            c.fail(path, "import.object_got", got=type(item).__name__)
            continue
        scheme = c.text(item, "identifier_scheme", f"{path}.identifier_scheme", limit=60) \
            or c.text(item, "identifier_type", f"{path}.identifier_type", limit=60)
        value = item.get("identifier")
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        ident = c.text({"identifier": value}, "identifier", f"{path}.identifier", required=True, limit=120)
        if not scheme or not ident:
            if ident and not scheme:
                c.fail(f"{path}.identifier_scheme", "hsds.scheme_required")
            continue
        scheme, ident = scheme.strip().upper(), "".join(ident.split())
        if scheme in ("DK-CVR", "CVR") and not (len(ident) == 8 and ident.isascii() and ident.isdigit()):
            c.fail(f"{path}.identifier", "hsds.cvr", got=repr(ident))
            continue
        pair = ("DK-CVR" if scheme == "CVR" else scheme, ident)
        if pair not in out:
            out.append(pair)
    return out


def _place(c: _Checker, raw: dict, strict: bool) -> tuple[dict[str, Any], list[str]]:
    warnings: list[str] = []
    sals = c.items(raw, "service_at_locations")
    if not sals:
        return {}, warnings
    loc = c.obj(sals[0].get("location"), "service_at_locations[0].location") or {}
    place: dict[str, Any] = {"external_id": loc.get("id"), "name": c.text(loc, "name", "location.name", limit=200)}
    lat, lon = loc.get("latitude"), loc.get("longitude")
    if lat is not None or lon is not None:
        bad: Problem | None = None
        numbers = (lat.__class__ is float and lon.__class__ is float and math.isfinite(lat) and math.isfinite(lon)) \
            or all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) and math.isfinite(v)
                   for v in (lat, lon))
        if not numbers:
            bad = Problem("hsds.coordinates_numbers", {"lat": repr(lat), "lon": repr(lon)})
        elif not (P.DENMARK_LAT[0] <= lat <= P.DENMARK_LAT[1] and P.DENMARK_LON[0] <= lon <= P.DENMARK_LON[1]):
            bad = Problem("hsds.outside_denmark", {"lat": lat, "lon": lon})
        if bad and strict:
            c.refuse("location.latitude", bad)
        elif bad:
            warnings.append(f"location ignored: {render(bad.code, bad.params, 'en')}")
        else:
            place["lat"], place["lon"] = float(lat), float(lon)
    addresses = [a for a in loc.get("addresses") or [] if isinstance(a, dict)]
    if addresses:
        addr = addresses[0]
        place["address"] = c.text(addr, "address_1", "location.addresses[0].address_1", limit=200)
        place["city"] = c.text(addr, "city", "location.addresses[0].city", limit=80)
        postcode = c.text(addr, "postal_code", "location.addresses[0].postal_code", limit=20)
        if postcode and not POSTCODE.match(postcode):
            if strict:
                c.fail("location.addresses[0].postal_code", "import.postcode", got=repr(postcode))
            else:
                warnings.append(f"postal code ignored: {postcode!r} is not Danish")
        elif postcode:
            place["postcode"] = postcode
    return place, warnings


def _time(c: _Checker, value: Any, path: str) -> dt.time | None:
    if value in (None, ""):
        return None
    try:
        return dt.time.fromisoformat(str(value)[:8])
    except ValueError:
        c.fail(path, "hsds.time", got=repr(value))
        return None


def _schedules(c: _Checker, raw: dict) -> list[dict[str, Any]]:
    out = []
    for i, s in enumerate(c.items(raw, "schedules")):
        byday = str(s.get("byday") or "")
        days, unknown = _known_weekdays(byday) if len(byday) <= 64 else _weekdays(byday)
        for token in unknown:
            c.fail(f"schedules[{i}].byday", "hsds.weekday", got=repr(token))
        opens = _time(c, s.get("opens_at"), f"schedules[{i}].opens_at")
        closes = _time(c, s.get("closes_at"), f"schedules[{i}].closes_at")
        out.append({"external_id": c.text(s, "id", f"schedules[{i}].id", limit=120), "weekdays": list(days),
                    "opens_at": opens, "closes_at": closes,
                    "description": c.text(s, "description", f"schedules[{i}].description")})
    return out


def _weekdays(byday: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the weekdays of an RRULE BYDAY text, each once in the order given, and its tokens that name none."""
    days: list[str] = []
    unknown = []
    for token in filter(None, (t.strip().upper() for t in byday.split(","))):
        day = P.BYDAY.get(token[-2:])
        if day is None:
            unknown.append(token)
        elif day not in days:
            days.append(day)
    return tuple(days), tuple(unknown)


#: ``_weekdays`` of the short BYDAY texts a directory uses again and again ("MO,WE").
_known_weekdays = lru_cache(maxsize=256)(_weekdays)


def _fee(c: _Checker, raw: dict) -> Decimal | None:
    for i, option in enumerate(c.items(raw, "cost_options")):
        currency = str(option.get("currency") or "DKK").upper()
        if currency != "DKK" or "month" not in str(option.get("option") or "per month").lower():
            continue
        amount = option.get("amount")
        try:
            fee = Decimal(str(amount))
        except (InvalidOperation, ValueError):
            c.fail(f"cost_options[{i}].amount", "import.number", got=repr(amount))
            return None
        if isinstance(amount, bool) or not fee.is_finite() or fee < 0 or fee > 100_000:
            c.fail(f"cost_options[{i}].amount", "hsds.fee_range", got=repr(amount))
            return None
        return fee
    return None


def _capacity(c: _Checker, raw: dict) -> tuple[int | None, int | None]:
    for i, cap in enumerate(c.items(raw, "capacities")):
        return (c.integer(cap, "maximum", f"capacities[{i}].maximum", 0, 1_000_000),
                c.integer(cap, "available", f"capacities[{i}].available", 0, 1_000_000))
    return None, None


def _attributes(c: _Checker, raw: dict) -> tuple[list[ParsedTerm], list[dict[str, Any]]]:
    terms, others = [], []
    for i, attr in enumerate(c.items(raw, "attributes")):
        term = attr.get("taxonomy_term")
        if term.__class__ is not dict:
            term = c.obj(term, f"attributes[{i}].taxonomy_term") or {}
        detail = term.get("taxonomy_detail")
        if not isinstance(detail, dict):
            detail = {}
        taxonomy = str(term.get("taxonomy") or detail.get("name") or "").strip()
        if taxonomy not in P.MODELLED_TAXONOMIES:
            others.append(attr)
            continue
        code = str(term.get("code") or "").strip()
        name = str(term.get("name") or "").strip()
        if not code and not name:
            c.fail(f"attributes[{i}].taxonomy_term", "hsds.term_empty")
            continue
        if len(code) > 80 or len(name) > 120:
            c.fail(f"attributes[{i}].taxonomy_term", "hsds.term_too_long")
            continue
        # A clean record holds no refused character, and neither does str() of its values (repr escapes them).
        if not c.clean and (problem := bad_characters(code + name)):
            c.refuse(f"attributes[{i}].taxonomy_term", problem)
            continue
        terms.append(ParsedTerm(taxonomy, code or _code_from_name(name), name or code))
    return terms, others


def _code_from_name(name: str) -> str:
    return slugify(name) or name.lower()
