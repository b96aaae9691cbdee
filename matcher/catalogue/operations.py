"""Change a listing's public facts: validate, record who changed what, detect concurrent edits; flush only."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from matcher.catalogue.errors import Invalid, RecordError
from matcher.catalogue.locating import locate_offer
from matcher.catalogue.models import (
    WEEKDAYS,
    GenderRestriction,
    InterestTerm,
    ListingChange,
    Offer,
    OfferSchedule,
    OfferStatus,
    Organisation,
)
from matcher.clock import local_today
from matcher.db import utcnow

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: Most schedules one offer may have.
MAX_SCHEDULES = 20
#: Most interests one offer may be tagged with.
MAX_INTERESTS = 30
#: Fields that say where an offer takes place; changing them moves its pin and district.
PLACE_FIELDS = ("place_name", "address", "postcode", "city")
TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)(:00)?$")


class EditConflict(RecordError):
    """Someone else changed the listing after the editor loaded it."""

    def __init__(self, record: str):
        super().__init__(record, "version", "offer.edit_conflict")


# -- field parsers: each returns the clean value or raises Invalid with an error code ----------------

def _text(max_len: int, required: bool = False, blank: str | None = None) -> Callable[[Any], str | None]:
    def parse(value: Any) -> str | None:
        text = "" if value is None else str(value).strip()
        if required and not text:
            raise Invalid("required")
        if len(text) > max_len:
            raise Invalid("too_long", max=max_len)
        return text or blank
    return parse


def _int(lo: int, hi: int) -> Callable[[Any], int | None]:
    def parse(value: Any) -> int | None:
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, bool):
            raise Invalid("whole_number")
        try:
            number = int(str(value).strip())
        except ValueError:
            raise Invalid("whole_number") from None
        if not lo <= number <= hi:
            raise Invalid("between", low=lo, high=hi)
        return number
    return parse


def _fee(value: Any) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, bool):
        raise Invalid("offer.fee_amount")
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise Invalid("offer.fee_amount") from None
    if not amount.is_finite() or amount < 0 or amount > 100_000:
        raise Invalid("offer.fee_range")
    return amount.quantize(Decimal("0.01"))


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in ("1", "true", "on", "ja", "yes"):
        return True
    if text in ("", "0", "false", "off", "nej", "no"):
        return False
    raise Invalid("yes_no")


def _status(value: Any) -> OfferStatus:
    text = str(value or "").strip()
    if text == OfferStatus.pending.value:
        raise Invalid("offer.status_pending")
    try:
        return OfferStatus(text)
    except ValueError:
        raise Invalid("offer.status") from None


def _gender(value: Any) -> GenderRestriction | None:
    text = str(value or "").strip().lower()
    if text in ("", "all", "alle", "none"):
        return None
    try:
        return GenderRestriction(text)
    except ValueError:
        raise Invalid("offer.gender") from None


def _codes(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [c.strip() for c in value.split(",") if c.strip()]
    if not isinstance(value, list) or any(not isinstance(c, str) for c in value):
        raise Invalid("offer.interest_codes")
    if len(value) > MAX_INTERESTS:
        raise Invalid("offer.too_many_interests", max=MAX_INTERESTS)
    return sorted({c.strip() for c in value if c.strip()})


def _email(value: Any) -> str | None:
    text = str(value or "").strip()
    if text and (len(text) > 200 or not EMAIL.match(text)):
        raise Invalid("email")
    return text or None


def _postcode(value: Any) -> str | None:
    text = str(value or "").strip()
    if text and not (len(text) == 4 and text.isdigit()):
        raise Invalid("offer.postcode")
    return text or None


def _website(value: Any) -> str | None:
    text = str(value or "").strip()
    if text and (len(text) > 300 or not text.startswith(("http://", "https://"))):
        raise Invalid("offer.website")
    return text or None


def _time(value: Any) -> dt.time | None:
    if isinstance(value, dt.time):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    match = TIME.match(text)
    if not match:
        raise Invalid("offer.time")
    return dt.time(int(match.group(1)), int(match.group(2)))


def _schedules(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise Invalid("schedules.list")
    if len(value) > MAX_SCHEDULES:
        raise Invalid("schedules.too_many", max=MAX_SCHEDULES, got=len(value))
    out = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise Invalid("schedule.object", index=i)
        days = item.get("weekdays") or []
        if isinstance(days, str):
            days = [d.strip() for d in days.split(",") if d.strip()]
        if not isinstance(days, list) or len(days) > len(WEEKDAYS) or any(d not in WEEKDAYS for d in days):
            raise Invalid("schedule.weekdays", index=i)
        try:
            opens, closes = _time(item.get("opens_at")), _time(item.get("closes_at"))
        except Invalid as exc:
            raise Invalid("schedule.item", index=i, problem=exc.problem) from None
        if not days and not opens and not closes:
            continue
        if not days:
            raise Invalid("schedule.no_day", index=i)
        if opens and closes and closes <= opens:
            raise Invalid("schedule.order", index=i)
        out.append({"weekdays": [d for d in WEEKDAYS if d in days], "opens_at": opens, "closes_at": closes})
    return out


OFFER_FIELDS: dict[str, Callable[[Any], Any]] = {
    "title": _text(200, required=True),
    "description": _text(5000, blank=""),
    "age_min": _int(0, 30),
    "age_max": _int(0, 30),
    "monthly_fee_dkk": _fee,
    "fee_support": _bool,
    "capacity": _int(0, 10_000),
    "spots_free": _int(0, 10_000),
    "status": _status,
    "schedules": _schedules,
    "gender": _gender,
    "interests": _codes,
    "place_name": _text(200),
    "address": _text(200),
    "postcode": _postcode,
    "city": _text(80),
}

ORGANISATION_FIELDS: dict[str, Callable[[Any], Any]] = {
    "name": _text(200, required=True),
    "description": _text(5000, blank=""),
    "email": _email,
    "phone": _text(40),
    "website": _website,
    "address": _text(200),
    "postcode": _postcode,
    "city": _text(80),
}


def _parse(record: str, fields: dict[str, Callable[[Any], Any]], changes: dict[str, Any]) -> dict[str, Any]:
    clean = {}
    for name, value in changes.items():
        parser = fields.get(name)
        if parser is None:
            raise RecordError(record, name, "not_editable")
        try:
            clean[name] = parser(value)
        except Invalid as exc:
            raise RecordError.of(record, name, exc.problem) from None
    return clean


def _shown(value: Any) -> str | None:
    """Return a value as the text stored in a ListingChange."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, (OfferStatus, GenderRestriction)):
        return value.value
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)  # interest codes
    if isinstance(value, list):
        return "; ".join(_schedule_text(s) for s in value)
    return str(value)


def _schedule_text(s: dict[str, Any]) -> str:
    hours = ""
    if s.get("opens_at"):
        hours = f" {s['opens_at']:%H:%M}" + (f"-{s['closes_at']:%H:%M}" if s.get("closes_at") else "")
    return ",".join(s["weekdays"]) + hours


def _schedule_rows(session: Session, offer: Offer) -> list[OfferSchedule]:
    """Return the offer's first schedules, one more than may be kept (an offer may hold more from before the cap)."""
    return list(session.scalars(select(OfferSchedule).where(OfferSchedule.offer_id == offer.id)
                                .order_by(OfferSchedule.id).limit(MAX_SCHEDULES + 1)))


def _current_schedules(rows: list[OfferSchedule]) -> list[dict[str, Any]]:
    return [{"weekdays": list(s.weekdays or []), "opens_at": s.opens_at, "closes_at": s.closes_at}
            for s in rows]


def _set_schedules(session: Session, offer: Offer, rows: list[OfferSchedule], wanted: list[dict[str, Any]]) -> None:
    """Update schedules in place by position (imported ids survive for the HSDS export); delete the rest at once.

    The rest goes in one DELETE statement however many rows there are, so no edit costs a statement per row.
    """
    kept = []
    for row, values in zip(rows, wanted):
        row.weekdays, row.opens_at, row.closes_at = values["weekdays"], values["opens_at"], values["closes_at"]
        kept.append(row.id)
    _flush(session, f"tilbud {offer.id}")
    session.execute(delete(OfferSchedule).where(OfferSchedule.offer_id == offer.id, OfferSchedule.id.not_in(kept))
                    .execution_options(synchronize_session=False))
    for values in wanted[len(kept):]:
        session.add(OfferSchedule(offer_id=offer.id, **values))
    session.flush()
    session.expire(offer, ["schedules"])


def _record(session: Session, user: Any, field: str, old: Any, new: Any, *, offer: Offer | None = None,
            organisation: Organisation | None = None) -> ListingChange:
    change = ListingChange(offer_id=offer.id if offer else None,
                           organisation_id=organisation.id if organisation else offer.organisation_id,
                           user_id=getattr(user, "id", None), field=field,
                           old_value=_shown(old), new_value=_shown(new))
    session.add(change)
    return change


def _flush(session: Session, record: str) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise EditConflict(record) from None


def _terms(session: Session, record: str, codes: list[str]) -> list[InterestTerm]:
    """Return the taxonomy terms of ``codes``; RecordError naming the unknown ones."""
    terms = session.scalars(select(InterestTerm).where(InterestTerm.code.in_(codes))).all() if codes else []
    unknown = sorted(set(codes) - {t.code for t in terms})
    if unknown:
        raise RecordError(record, "interests", "offer.unknown_interest", codes=", ".join(unknown))
    return sorted(terms, key=lambda t: t.code)


def check_offer(record: str, offer: Offer, clean: dict[str, Any]) -> None:
    """Raise RecordError when the changed offer's ages or spots contradict each other."""
    age_min = clean.get("age_min", offer.age_min)
    age_max = clean.get("age_max", offer.age_max)
    if age_min is not None and age_max is not None and age_min > age_max:
        raise RecordError(record, "age_max" if "age_max" in clean else "age_min",
                          "offer.age_order")
    capacity = clean.get("capacity", offer.capacity)
    spots = clean.get("spots_free", offer.spots_free)
    if capacity is not None and spots is not None and spots > capacity:
        raise RecordError(record, "spots_free" if "spots_free" in clean else "capacity",
                          "offer.spots_over_capacity")
    if "status" in clean and offer.status is OfferStatus.pending and clean["status"] is not OfferStatus.pending:
        raise RecordError(record, "status", "offer.awaiting_approval")


def update_offer(session: Session, offer: Offer, changes: dict[str, Any], user: Any,
                 expected_version: int | None = None, *, confirms: bool = False,
                 today: dt.date | None = None) -> list[ListingChange]:
    """Apply ``changes`` to an offer's public facts; record one ListingChange per changed field.

    With ``confirms`` (a save by the club itself) the save also confirms the listing as current,
    and reopening an offer key staff refused sends it back for their approval.
    """
    record = f"tilbud {offer.id}"
    if expected_version is not None and expected_version != offer.version:
        raise EditConflict(record)
    clean = _parse(record, OFFER_FIELDS, changes)
    check_offer(record, offer, clean)
    if confirms and clean.get("status") not in (None, OfferStatus.closed) and offer.status is OfferStatus.closed \
            and session.scalar(select(ListingChange.id).where(ListingChange.offer_id == offer.id,
                                                              ListingChange.field == "review_note").limit(1)):
        clean["status"] = OfferStatus.pending  # refused before: key staff look again
    recorded = []
    version = offer.version
    rows = _schedule_rows(session, offer) if "schedules" in clean else []
    # Schedules first: their statements flush before the offer row is dirty, so the version check
    # (EditConflict) happens once, in _flush below.
    for name, new in sorted(clean.items(), key=lambda item: item[0] != "schedules"):
        if name == "schedules":
            old = _current_schedules(rows)
        elif name == "interests":
            old = [t.code for t in offer.interests]
        else:
            old = getattr(offer, name)
        if old == new or (name in PLACE_FIELDS and (old or None) == (new or None)):
            continue
        if name == "schedules":
            _set_schedules(session, offer, rows, new)
        elif name == "interests":
            offer.interests = _terms(session, record, new)
        else:
            setattr(offer, name, new)
        recorded.append(_record(session, user, name, old, new, offer=offer))
    if any(c.field in ("address", "postcode") for c in recorded):
        locate_offer(session, offer)
    if confirms and offer.verified_at != (today or local_today()):
        day = today or local_today()
        recorded.append(_record(session, user, "verified_at", offer.verified_at, day, offer=offer))
        offer.verified_at = day
    if recorded and offer.version == version:
        # An UPDATE of the row, so the version moves even for schedule edits (unless a schedule flush already
        # updated it: matcher.catalogue.modified touches an offer whose schedules change).
        offer.updated_at = utcnow()
    _flush(session, record)
    return recorded


def confirm_offer(session: Session, offer: Offer, user: Any, today: dt.date | None = None,
                  expected_version: int | None = None) -> ListingChange | None:
    """Stamp that the club has confirmed the listing is still correct (verified_at = today).

    Return the recorded change, or None when the listing was already confirmed today.
    """
    record = f"tilbud {offer.id}"
    if expected_version is not None and expected_version != offer.version:
        raise EditConflict(record)
    today = today or local_today()
    if offer.verified_at == today:
        return None
    change = _record(session, user, "verified_at", offer.verified_at, today, offer=offer)
    offer.verified_at = today
    offer.updated_at = utcnow()
    _flush(session, record)
    return change


def update_organisation(session: Session, org: Organisation, changes: dict[str, Any],
                        user: Any) -> list[ListingChange]:
    """Apply ``changes`` to an organisation's public facts; record one ListingChange per field."""
    record = f"forening {org.id}"
    clean = _parse(record, ORGANISATION_FIELDS, changes)
    recorded = []
    for name, new in clean.items():
        old = getattr(org, name)
        if (old or None) == (new or None):
            continue
        setattr(org, name, new)
        recorded.append(_record(session, user, name, old, new, organisation=org))
    session.flush()
    return recorded


def mark_changes_reviewed(session: Session, change_ids: list[int] | None, when: dt.datetime | None = None) -> int:
    """Mark the given (or all unseen) listing changes as seen; return how many."""
    stmt = select(ListingChange).where(ListingChange.reviewed_at.is_(None))
    if change_ids is not None:
        stmt = stmt.where(ListingChange.id.in_(change_ids))
    rows = session.scalars(stmt).all()
    when = when or utcnow()
    for row in rows:
        row.reviewed_at = when
    session.flush()
    return len(rows)


def update_term(session: Session, term: InterestTerm, name: str, synonyms: list[str]) -> None:
    """Change an interest term's Danish name and synonyms."""
    record = f"interesse {term.code}"
    name = (name or "").strip()
    if not name:
        raise RecordError(record, "name", "required")
    if len(name) > 120:
        raise RecordError(record, "name", "too_long", max=120)
    clean = []
    for s in synonyms:
        s = s.strip()
        if len(s) > 120:
            raise RecordError(record, "synonyms", "term.synonym_too_long")
        if s and s not in clean:
            clean.append(s)
    term.name, term.synonyms = name, clean
    session.flush()
