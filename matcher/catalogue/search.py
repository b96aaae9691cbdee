"""Search the catalogue: free text with Danish synonyms and typo tolerance, filters and distance."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, defer, selectinload

from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import WEEKDAYS, District, Offer, OfferKind, OfferStatus, Organisation
from matcher.catalogue.revision import current_revision
from matcher.catalogue.taxonomy import match_terms
from matcher.clock import local_today
from matcher.db import parse_id
from matcher.matching.geo import default_geocoder, haversine_km
from matcher.matching.text import InterestMatcher, normalise

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
KIND_ALIASES = {"aktivitet": "activity", "fritidsjob": "leisure-job", "mentor": "mentoring"}
WEEKDAY_ALIASES = {"man": "mon", "tir": "tue", "ons": "wed", "tor": "thu", "fre": "fri", "lor": "sat",
                   "loer": "sat", "lør": "sat", "son": "sun", "soen": "sun", "søn": "sun"}
FUZZY_CUTOFF = 82.0
WEEKDAY_SHORT = {"mon": "man", "tue": "tir", "wed": "ons", "thu": "tor", "fri": "fre", "sat": "lør", "sun": "søn"}


@dataclass(frozen=True)
class SearchQuery:
    """What the user asked for; every filter is optional."""

    text: str = ""
    district: str | None = None  # slug or id
    age: int | None = None
    kind: str | None = None  # activity, leisure-job, mentoring
    weekday: str | None = None  # mon..sun
    free_only: bool = False
    fee_support: bool = False
    postcode: str | None = None
    max_km: float | None = None
    limit: int = DEFAULT_LIMIT
    offset: int = 0


@dataclass
class SearchResult:
    """One offer as a plain row for lists, maps and the API."""

    id: int
    external_id: str | None
    title: str
    kind: str
    status: str
    organisation_id: int
    organisation_external_id: str | None
    organisation_name: str
    district_id: int | None
    district_name: str | None
    age_min: int | None
    age_max: int | None
    weekdays: list[str]
    times: list[str]
    monthly_fee_dkk: float | None
    fee_support: bool
    capacity: int | None
    spots_free: int | None
    verified_at: dt.date | None
    stale: bool
    place_name: str | None
    postcode: str | None
    city: str | None
    lat: float | None
    lon: float | None
    interests: list[str] = field(default_factory=list)
    distance_km: float | None = None
    score: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """Return the row as JSON-ready values."""
        out = dict(self.__dict__)
        out["verified_at"] = self.verified_at.isoformat() if self.verified_at else None
        return out


@dataclass
class SearchResults:
    """One page of results and how many matched in all."""

    total: int
    rows: list[SearchResult]
    query: SearchQuery
    interests: list[str] = field(default_factory=list)  # Danish names of the interests understood


def _int(args: Mapping[str, Any], name: str, lo: int, hi: int) -> int | None:
    raw = args.get(name)
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise RecordError("søgning", name, "skal være et helt tal") from None
    if not lo <= value <= hi:
        raise RecordError("søgning", name, f"skal være mellem {lo} og {hi}")
    return value


def _flag(value: Any) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "on", "ja", "yes")


def parse_query(args: Mapping[str, Any]) -> SearchQuery:
    """Build a SearchQuery from request arguments; raise RecordError naming the bad field."""
    text = str(args.get("q") or "").strip()
    if len(text) > 200:
        raise RecordError("søgning", "q", "må højst være 200 tegn")
    kind = str(args.get("kind") or "").strip().lower() or None
    if kind:
        kind = KIND_ALIASES.get(kind, kind)
        if kind not in {k.value for k in OfferKind}:
            raise RecordError("søgning", "kind", "skal være aktivitet, fritidsjob eller mentor")
    weekday = str(args.get("weekday") or "").strip().lower() or None
    if weekday:
        weekday = WEEKDAY_ALIASES.get(weekday, weekday)
        if weekday not in WEEKDAYS:
            raise RecordError("søgning", "weekday", "skal være en ugedag (mon..sun)")
    postcode = str(args.get("postcode") or "").strip() or None
    if postcode and (not postcode.isdigit() or len(postcode) != 4):
        raise RecordError("søgning", "postcode", "skal være et postnummer med fire cifre")
    max_km = None
    raw_km = str(args.get("max_km") or "").strip().replace(",", ".")
    if raw_km:
        try:
            max_km = float(raw_km)
        except ValueError:
            raise RecordError("søgning", "max_km", "skal være et tal (km)") from None
        if not 0 < max_km <= 100:
            raise RecordError("søgning", "max_km", "skal være mellem 0 og 100 km")
        if not postcode:
            raise RecordError("søgning", "postcode", "skal udfyldes, når der søges på afstand")
    limit = _int(args, "limit", 1, MAX_LIMIT)
    return SearchQuery(
        text=text, district=str(args.get("district") or "").strip() or None, age=_int(args, "age", 0, 30),
        kind=kind, weekday=weekday, free_only=_flag(args.get("free")), fee_support=_flag(args.get("fee_support")),
        postcode=postcode, max_km=max_km, limit=DEFAULT_LIMIT if limit is None else limit,
        offset=_int(args, "offset", 0, 1_000_000) or 0)


# -- the interest matcher, cached per process and rebuilt when the catalogue revision moves ----------------

_cache_lock = threading.Lock()
_cache: dict[str, Any] = {}


def interest_matcher(session: Session) -> tuple[InterestMatcher, dict[str, set[str]]]:
    """Return the cached matcher and, per code, the codes whose offers match it (incl. mapped terms).

    The cache is keyed on the catalogue revision, a counter bumped on every catalogue or taxonomy
    write in any process, so an edit made elsewhere is seen on the next search. A session holding
    uncommitted catalogue changes gets a matcher of its own, never cached.
    """
    key = current_revision(session)  # autoflushes, so pending edits have bumped the revision by now
    private = bool(session.info.get("catalogue_bumped"))
    with _cache_lock:
        if not private and _cache.get("key") == key:
            return _cache["matcher"], _cache["aliases"]
    terms, aliases = match_terms(session)
    matcher = InterestMatcher(terms)
    if not private:
        with _cache_lock:
            _cache.update(key=key, matcher=matcher, aliases=aliases)
    return matcher, aliases


def clear_cache() -> None:
    """Forget the cached interest matcher (after a taxonomy edit in this process)."""
    with _cache_lock:
        _cache.clear()


# -- the search itself -------------------------------------------------------------------------------

def is_stale(verified_at: dt.date | None, today: dt.date, stale_after_days: int) -> bool:
    """Return whether a listing has not been confirmed for ``stale_after_days``."""
    return verified_at is None or (today - verified_at).days > stale_after_days


def schedule_texts(offer: Offer) -> list[str]:
    """Return 'tir, tor 16:30–17:45' for each schedule of ``offer``."""
    out = []
    for s in offer.schedules:
        days = ", ".join(WEEKDAY_SHORT[d] for d in WEEKDAYS if d in (s.weekdays or []))
        hours = ""
        if s.opens_at and s.closes_at:
            hours = f"{s.opens_at:%H:%M}–{s.closes_at:%H:%M}"
        elif s.opens_at:
            hours = f"fra {s.opens_at:%H:%M}"
        text = " ".join(p for p in (days, hours) if p) or (s.description or "")
        if text:
            out.append(text)
    return out


def _district_filter(session: Session, ref: str) -> int:
    query = select(District.id).where(District.slug == ref)
    if parse_id(ref):
        query = select(District.id).where(or_(District.id == parse_id(ref), District.slug == ref))
    district_id = session.scalar(query)
    if district_id is None:
        raise RecordError("søgning", "district", f"ukendt bydel {ref!r}")
    return district_id


@lru_cache(maxsize=200_000)
def _folded(text: str) -> str:
    """Return the normalised form of a listing text, remembered across searches."""
    return normalise(text)


def _text_score(query: str, offer: Offer, codes: dict[str, float], aliases: dict[str, set[str]]) -> float:
    best = 0.0
    offer_codes = {t.code for t in offer.interests}
    for code, confidence in codes.items():
        if offer_codes & aliases.get(code, {code}):
            best = max(best, confidence)
    for name in (offer.title, offer.organisation.name):
        target = _folded(name)
        if query in target:
            best = max(best, 1.0)
        elif len(query) >= 4:
            score = fuzz.partial_ratio(query, target)
            if score >= FUZZY_CUTOFF:
                best = max(best, 0.9 * score / 100)
    if best == 0.0 and len(query) >= 4 and query in _folded(offer.description or ""):
        best = 0.5
    return best


def search(session: Session, query: SearchQuery, *, today: dt.date | None = None,
           stale_after_days: int = 180, statuses: tuple[OfferStatus, ...] = (OfferStatus.active,)) -> SearchResults:
    """Return the offers matching ``query``: best text match first, then nearest, then by name."""
    today = today or local_today()
    stmt = (select(Offer).where(Offer.status.in_(statuses))
            .options(defer(Offer.hsds_source), defer(Offer.other_attributes),
                     selectinload(Offer.organisation).defer(Organisation.hsds_source),
                     selectinload(Offer.interests), selectinload(Offer.schedules),
                     selectinload(Offer.district).defer(District.geometry)))
    if query.district:
        stmt = stmt.where(Offer.district_id == _district_filter(session, query.district))
    if query.age is not None:
        stmt = stmt.where(or_(Offer.age_min.is_(None), Offer.age_min <= query.age),
                          or_(Offer.age_max.is_(None), Offer.age_max >= query.age))
    if query.kind:
        stmt = stmt.where(Offer.kind == OfferKind(query.kind))
    if query.free_only and query.fee_support:
        stmt = stmt.where(or_(Offer.monthly_fee_dkk == 0, Offer.fee_support.is_(True)))
    elif query.free_only:
        stmt = stmt.where(Offer.monthly_fee_dkk == 0)
    elif query.fee_support:
        stmt = stmt.where(Offer.fee_support.is_(True))
    origin = None
    if query.postcode:
        origin = default_geocoder().postcode(query.postcode)
        if origin is None:
            raise RecordError("søgning", "postcode", f"kender ikke postnummeret {query.postcode}")
    offers = session.scalars(stmt).all()
    if query.weekday:
        offers = [o for o in offers if query.weekday in o.weekdays]

    codes: dict[str, float] = {}
    understood: list[str] = []
    scores: dict[int, float] = {}
    if query.text:
        matcher, aliases = interest_matcher(session)
        codes = matcher.expand(query.text)
        understood = [matcher.name(c) for c in codes]
        folded = normalise(query.text)
        for o in offers:
            scores[o.id] = _text_score(folded, o, codes, aliases)
        offers = [o for o in offers if scores[o.id] > 0]

    distances: dict[int, float] = {}
    if origin is not None:
        located = [o for o in offers if o.lat is not None and o.lon is not None]
        if located:
            km = haversine_km(origin[0], origin[1], [o.lat for o in located], [o.lon for o in located])
            distances = {o.id: round(float(d), 1) for o, d in zip(located, km, strict=True)}
        if query.max_km is not None:
            offers = [o for o in offers if o.id in distances and distances[o.id] <= query.max_km]

    offers.sort(key=lambda o: (-scores.get(o.id, 0.0), distances.get(o.id, 1e9),
                               normalise(o.organisation.name), normalise(o.title)))
    page = offers[query.offset:query.offset + query.limit]
    rows = [result_row(o, today, stale_after_days, distances.get(o.id), scores.get(o.id, 0.0)) for o in page]
    return SearchResults(total=len(offers), rows=rows, query=query, interests=understood)


def result_row(offer: Offer, today: dt.date, stale_after_days: int, distance_km: float | None = None,
               score: float = 0.0) -> SearchResult:
    """Return the plain result row of ``offer``."""
    fee = offer.monthly_fee_dkk
    return SearchResult(
        id=offer.id, external_id=offer.external_id, title=offer.title, kind=offer.kind.value,
        status=offer.status.value, organisation_id=offer.organisation_id,
        organisation_external_id=offer.organisation.external_id, organisation_name=offer.organisation.name,
        district_id=offer.district_id, district_name=offer.district.name if offer.district else None,
        age_min=offer.age_min, age_max=offer.age_max, weekdays=offer.weekdays, times=schedule_texts(offer),
        monthly_fee_dkk=float(fee) if isinstance(fee, Decimal) else fee, fee_support=offer.fee_support,
        capacity=offer.capacity, spots_free=offer.spots_free, verified_at=offer.verified_at,
        stale=is_stale(offer.verified_at, today, stale_after_days), place_name=offer.place_name,
        postcode=offer.postcode, city=offer.city, lat=offer.lat, lon=offer.lon,
        interests=[t.name for t in offer.interests], distance_km=distance_km, score=round(score, 3))
