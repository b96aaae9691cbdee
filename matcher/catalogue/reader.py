"""One reader of the catalogue's offers for every index: column queries in bulk, no ORM objects.

``read_offers`` reads the offers (all of them, or those changed after a catalogue revision) with
their interest codes and schedules once; ``listing`` turns a row into the search index's
``Listing`` and ``candidate`` into the ranker's ``Candidate``, so search and match see the
same offers, the same interests (mapped terms resolved by ``taxonomy.match_terms`` alone) and
the same schedules, on the full build and on the incremental path alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Float, String, Text, cast, select, type_coerce, union
from sqlalchemy.orm import Session

from matcher.catalogue.models import WEEKDAYS, InterestTerm, Offer, OfferKind, OfferSchedule, Organisation, offer_interests
from matcher.matching.search_index import Listing, schedule_slots
from matcher.matching.types import Candidate

_ORDER = {d: i for i, d in enumerate(WEEKDAYS)}


def plain_text(column):
    """Return ``column`` read as text, skipping the per-row conversion to enums or JSON (300,000 rows: seconds)."""
    return cast(column, Text) if isinstance(column.type, JSON) else type_coerce(column, String)


def json_list(raw: str | None, parsed: dict[str | None, tuple]) -> tuple:
    """Return the JSON list in ``raw`` as a tuple, parsing each distinct text once."""
    out = parsed.get(raw)
    if out is None:
        out = parsed[raw] = tuple(json.loads(raw)) if raw else ()
    return out


def changed_offer_ids(since: int):
    """Return a subquery of the offers changed after revision ``since``, or whose organisation was (indexed look-ups)."""
    return union(select(Offer.id).where(Offer.changed_rev > since),
                 select(Offer.id).join(Organisation, Organisation.id == Offer.organisation_id)
                 .where(Organisation.changed_rev > since)).scalar_subquery()


def changed_offers(query, offer_id, since: int | None):
    """Restrict ``query`` to rows of offers (``offer_id``) changed after revision ``since`` (or whose organisation was)."""
    return query if since is None else query.where(offer_id.in_(changed_offer_ids(since)))


@dataclass(slots=True)
class OfferRow:
    """One offer as every index reads it."""

    id: int
    external_id: str | None
    kind: str
    status: str
    title: str
    organisation: str
    description: str
    district_id: int | None
    age_min: int | None
    age_max: int | None
    monthly_fee_dkk: float | None
    fee_support: bool
    lat: float | None
    lon: float | None
    gender: str | None
    spots_free: int | None
    languages: tuple[str, ...]
    verified_at: Any
    inclusion: float
    light_work: bool
    serves_alcohol: bool
    interests: tuple[str, ...]  # the codes as tagged (mapped terms not yet resolved), in code order
    weekdays: tuple[str, ...]  # in week order
    shifts: tuple[tuple[tuple[str, ...], str, str], ...]  # (weekdays, "HH:MM", "HH:MM") per schedule with both times
    slots: int  # the search index's day-part mask of the timed schedules


def read_offers(session: Session, since: int | None = None) -> Iterator[OfferRow]:
    """Yield every offer (or those changed after revision ``since``, or whose organisation was), in id order."""
    conn = session.connection()
    interests: dict[int, list[str]] = {}
    for offer_id, code in conn.execute(changed_offers(
            select(offer_interests.c.offer_id, InterestTerm.code)
            .join(InterestTerm, InterestTerm.id == offer_interests.c.term_id), offer_interests.c.offer_id, since)
            .order_by(offer_interests.c.offer_id, InterestTerm.code)):
        interests.setdefault(offer_id, []).append(code)
    days: dict[int, set[str]] = {}
    shifts: dict[int, list[tuple]] = {}
    slots: dict[int, int] = {}
    parsed: dict[str | None, tuple] = {}
    known: dict[tuple, tuple[tuple, int]] = {}  # catalogues repeat a few thousand distinct (days, opens, closes)
    for offer_id, weekdays, opens, closes in conn.execute(changed_offers(
            select(OfferSchedule.offer_id, plain_text(OfferSchedule.weekdays), plain_text(OfferSchedule.opens_at),
                   plain_text(OfferSchedule.closes_at)), OfferSchedule.offer_id, since).order_by(OfferSchedule.id)):
        listed = json_list(weekdays, parsed)
        days.setdefault(offer_id, set()).update(listed)
        if opens is None:
            continue
        key = (weekdays, opens, closes)
        found = known.get(key)
        if found is None:
            found = known[key] = (None if closes is None else (listed, _hhmm(opens), _hhmm(closes)),
                                  schedule_slots([(listed, _minutes(opens), _minutes(closes))]))
        if found[0] is not None:
            shifts.setdefault(offer_id, []).append(found[0])
        slots[offer_id] = slots.get(offer_id, 0) | found[1]
    week: dict[frozenset, tuple[str, ...]] = {}
    query = (select(Offer.id, Offer.external_id, plain_text(Offer.kind), plain_text(Offer.status), Offer.title,
                    Organisation.name, Offer.description, Offer.district_id, Offer.age_min, Offer.age_max,
                    cast(Offer.monthly_fee_dkk, Float), Offer.fee_support, Offer.lat, Offer.lon,
                    plain_text(Offer.gender), Offer.spots_free, plain_text(Offer.languages), Offer.verified_at,
                    Organisation.vulnerable_experience, Organisation.childcert_policy, Offer.light_work,
                    Offer.serves_alcohol)
             .join(Organisation, Organisation.id == Offer.organisation_id).order_by(Offer.id))
    for r in conn.execute(changed_offers(query, Offer.id, since)):
        found_days = frozenset(days.get(r[0], ()))
        weekdays = week.get(found_days)
        if weekdays is None:
            weekdays = week[found_days] = tuple(sorted((d for d in found_days if d in _ORDER), key=_ORDER.__getitem__))
        yield OfferRow(
            id=r[0], external_id=r[1], kind=r[2], status=r[3], title=r[4], organisation=r[5], description=r[6] or "",
            district_id=r[7], age_min=r[8], age_max=r[9], monthly_fee_dkk=r[10], fee_support=bool(r[11]),
            lat=r[12], lon=r[13], gender=r[14] or None, spots_free=r[15], languages=json_list(r[16], parsed),
            verified_at=r[17], inclusion=0.6 * r[18] + 0.4 * r[19], light_work=r[20], serves_alcohol=r[21],
            interests=tuple(interests.get(r[0], ())), weekdays=weekdays, shifts=tuple(shifts.get(r[0], ())),
            slots=slots.get(r[0], 0))


def listing(row: OfferRow) -> Listing:
    """Return the search index's listing of an offer (interest codes as tagged: search expands the query)."""
    return Listing(id=row.id, status=row.status, kind=row.kind, title=row.title, organisation=row.organisation,
                   description=row.description, interests=row.interests, district_id=row.district_id,
                   age_min=row.age_min, age_max=row.age_max, weekdays=row.weekdays,
                   monthly_fee_dkk=row.monthly_fee_dkk, fee_support=row.fee_support, lat=row.lat, lon=row.lon,
                   gender=row.gender, spots_free=row.spots_free, slots=row.slots)


def candidate(row: OfferRow, mapped: dict[str, str], districts: dict[int, str]) -> Candidate | None:
    """Return the ranker's candidate of an offer (mapped terms as their target), or None for a mentoring programme."""
    if row.kind == OfferKind.mentoring.value:
        return None
    return Candidate(
        id=row.id, external_id=row.external_id,
        kind="leisure-job" if row.kind == OfferKind.leisure_job.value else "activity",
        name=row.title, organisation=row.organisation, description=row.description,
        interests=tuple(dict.fromkeys(mapped.get(c, c) for c in row.interests)),
        lat=row.lat, lon=row.lon, district=districts.get(row.district_id), age_min=row.age_min,
        age_max=row.age_max, gender=row.gender, weekdays=row.weekdays,
        schedule=tuple(day_shift for days, opens, closes in row.shifts for day_shift in
                       ((d, opens, closes) for d in days)),
        monthly_fee_dkk=row.monthly_fee_dkk, fee_support=row.fee_support, spots_free=row.spots_free,
        status=row.status, languages=row.languages, verified_at=row.verified_at, inclusion=row.inclusion,
        light_work=row.light_work, serves_alcohol=row.serves_alcohol)


def _hhmm(value: Any) -> str:
    """Return a schedule time (a time, or 'HH:MM[:SS]' text on some drivers) as 'HH:MM'."""
    return value[:5] if isinstance(value, str) else value.strftime("%H:%M")


def _minutes(value: Any) -> int | None:
    """Return a schedule time (a time, or 'HH:MM[:SS]' text on some drivers) as minutes after midnight."""
    if value is None:
        return None
    if isinstance(value, str):
        hours, minutes = value.split(":")[:2]
        return int(hours) * 60 + int(minutes)
    return value.hour * 60 + value.minute
