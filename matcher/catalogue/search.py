"""Search the catalogue: free text with Danish synonyms and typo tolerance, filters and distance."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, defer, joinedload, selectinload

from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import (
    WEEKDAYS,
    CatalogueRevision,
    District,
    Offer,
    OfferKind,
    OfferStatus,
    Organisation,
)
from matcher.catalogue.reader import listing, read_offers
from matcher.catalogue.taxonomy import match_terms
from matcher.clock import local_today
from matcher.db import parse_id, session_runtime
from matcher.labels import WEEKDAY_SHORT
from matcher.matching.geo import default_geocoder
from matcher.catalogue.revision import MAX_CHANGED_ROWS, deleted_since, diff_base
from matcher.catalogue.staleness import is_stale
from matcher.matching.index_update import update_search_index
from matcher.matching.keeper import IndexKeeper
from matcher.matching.search_index import DAYPARTS, GENDER_RULES, SORTS, Listing, SearchIndex
from matcher.matching.interests import InterestMatcher
from matcher.matching.text import normalise

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
KIND_ALIASES = {"aktivitet": "activity", "fritidsjob": "leisure-job", "mentor": "mentoring"}
WEEKDAY_ALIASES = {"man": "mon", "tir": "tue", "ons": "wed", "tor": "thu", "fre": "fri", "lor": "sat",
                   "loer": "sat", "lør": "sat", "son": "sun", "soen": "sun", "søn": "sun"}
GENDER_ALIASES = {"pige": "girl", "piger": "girl", "dreng": "boy", "drenge": "boy", "pigehold": "girls-only",
                  "drengehold": "boys-only"}
DAYPART_ALIASES = {"formiddag": "morning", "eftermiddag": "afternoon", "aften": "evening"}
SORT_ALIASES = {"relevans": "relevance", "afstand": "distance", "pris": "price", "ledige": "spots"}
#: With fewer results than this in the chosen district, the nearest matches outside it are shown too.
NEARBY_WHEN = 3
NEARBY_LIMIT = 5
NEARBY_MAX_KM = 5.0


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
    gender: str | None = None  # girl, boy, girls-only, boys-only
    daypart: str | None = None  # morning, afternoon, evening
    sort: str = "relevance"  # relevance, distance, price, spots


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
    gender: str | None = None  # girls or boys when only for them

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
    #: The nearest matches outside the chosen district when it has fewer than NEARBY_WHEN results.
    nearby: list[SearchResult] = field(default_factory=list)
    #: What the distances of ``nearby`` (and of a distance sort without postcode) are measured from.
    origin_label: str | None = None
    district_name: str | None = None

    def nearby_summary(self) -> str | None:
        """Return '3 hold i nærheden, 1,3–1,8 km væk' for the nearby matches (None when there are none)."""
        if not self.nearby:
            return None
        noun = {"activity": "hold", "leisure-job": "fritidsjob", "mentoring": "mentortilbud"}.get(
            self.query.kind or "", "tilbud")
        known = [r.distance_km for r in self.nearby if r.distance_km is not None]
        if not known:
            return f"{len(self.nearby)} {noun} i nærheden"
        lo, hi = (f"{v:.1f}".replace(".", ",") for v in (min(known), max(known)))
        span = f"{lo} km" if lo == hi else f"{lo}–{hi} km"
        return f"{len(self.nearby)} {noun} i nærheden, {span} væk"


def _int(args: Mapping[str, Any], name: str, lo: int, hi: int) -> int | None:
    raw = args.get(name)
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise RecordError("søgning", name, "whole_number") from None
    if not lo <= value <= hi:
        raise RecordError("søgning", name, "between", low=lo, high=hi)
    return value


def _flag(value: Any) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "on", "ja", "yes")


def _choice(args: Mapping[str, Any], name: str, aliases: Mapping[str, str], allowed: tuple[str, ...],
            code: str) -> str | None:
    value = str(args.get(name) or "").strip().lower() or None
    if value is None:
        return None
    value = aliases.get(value, value)
    if value not in allowed:
        raise RecordError("søgning", name, code)
    return value


def parse_query(args: Mapping[str, Any]) -> SearchQuery:
    """Build a SearchQuery from request arguments; raise RecordError naming the bad field."""
    text = str(args.get("q") or "").strip()
    if len(text) > 200:
        raise RecordError("søgning", "q", "too_long", max=200)
    kind = str(args.get("kind") or "").strip().lower() or None
    if kind:
        kind = KIND_ALIASES.get(kind, kind)
        if kind not in {k.value for k in OfferKind}:
            raise RecordError("søgning", "kind", "search.kind")
    weekday = str(args.get("weekday") or "").strip().lower() or None
    if weekday:
        weekday = WEEKDAY_ALIASES.get(weekday, weekday)
        if weekday not in WEEKDAYS:
            raise RecordError("søgning", "weekday", "search.weekday")
    postcode = str(args.get("postcode") or "").strip() or None
    if postcode and (not postcode.isdigit() or len(postcode) != 4):
        raise RecordError("søgning", "postcode", "search.postcode")
    max_km = None
    raw_km = str(args.get("max_km") or "").strip().replace(",", ".")
    if raw_km:
        try:
            max_km = float(raw_km)
        except ValueError:
            raise RecordError("søgning", "max_km", "search.km_number") from None
        if not 0 < max_km <= 100:
            raise RecordError("søgning", "max_km", "search.km_range")
        if not postcode:
            raise RecordError("søgning", "postcode", "search.postcode_for_distance")
    limit = _int(args, "limit", 1, MAX_LIMIT)
    gender = _choice(args, "gender", GENDER_ALIASES, GENDER_RULES, "search.gender")
    daypart = _choice(args, "time", DAYPART_ALIASES, tuple(DAYPARTS), "search.time")
    sort = _choice(args, "sort", SORT_ALIASES, SORTS, "search.sort")
    return SearchQuery(
        gender=gender, daypart=daypart, sort=sort or "relevance",
        text=text, district=str(args.get("district") or "").strip() or None, age=_int(args, "age", 0, 30),
        kind=kind, weekday=weekday, free_only=_flag(args.get("free")), fee_support=_flag(args.get("fee_support")),
        postcode=postcode, max_km=max_km, limit=DEFAULT_LIMIT if limit is None else limit,
        offset=_int(args, "offset", 0, 1_000_000) or 0)


# -- the interest matcher and the search index, kept per runtime and database ----------------------------

class SearchIndexes:
    """Holds the interest matcher and the search index per database, for one runtime (app, command, worker).

    The search index is rebuilt when the catalogue revision moves (in the background when slow).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.matchers: dict[str, Any] = {}
        self.indexes: IndexKeeper[SearchIndex] = IndexKeeper("search index")

    def clear(self) -> None:
        """Forget the cached interest matcher and search index (after a taxonomy edit, a restore, tests)."""
        with self.lock:
            self.matchers.clear()
        self.indexes.clear()


def holder_of(session: Session, holder: SearchIndexes | None = None) -> SearchIndexes:
    """Return ``holder``, or the search indexes of the runtime that opened ``session``."""
    return holder if holder is not None else session_runtime(session).search


def database_key(session: Session) -> str:
    """Return which database ``session`` reads (its URL without password): indexes are kept per database."""
    return session.get_bind().url.render_as_string(hide_password=True)


def catalogue_stamp(session: Session) -> tuple[int, str]:
    """Return the catalogue revision and when it moved: together they name one state of the catalogue.

    The time tells a database restored from a backup apart from the same revision number before.
    """
    row = session.execute(select(CatalogueRevision.revision, CatalogueRevision.changed_at)
                          .where(CatalogueRevision.id == 1)).first()  # autoflushes pending edits first
    return (row[0], row[1].isoformat()) if row else (0, "")


def _matcher(holder: SearchIndexes, session: Session, key: tuple,
             private: bool) -> tuple[InterestMatcher, dict[str, set[str]]]:
    cache = holder.matchers
    with holder.lock:
        held = cache.get("key")
        if not private and held == key:
            return cache["matcher"], cache["aliases"]
    if not private and held is not None and held[0] == key[0] and diff_base(session, held[1], key[1]) is not None:
        with holder.lock:  # only rows changed since: the taxonomy is the same
            if cache.get("key") == held:
                cache["key"] = key
                return cache["matcher"], cache["aliases"]
    terms, aliases = match_terms(session)
    matcher = InterestMatcher(terms)
    if not private:
        with holder.lock:
            cache.update(key=key, matcher=matcher, aliases=aliases)
    return matcher, aliases


def interest_matcher(session: Session, holder: SearchIndexes | None = None) -> tuple[InterestMatcher, dict[str, set[str]]]:
    """Return the cached matcher and, per code, the codes whose offers match it (incl. mapped terms).

    The cache is keyed on the catalogue revision, a counter bumped on every catalogue or taxonomy
    write in any process, so an edit made elsewhere is seen on the next search. A session holding
    uncommitted catalogue changes gets a matcher of its own, never cached.
    """
    stamp = catalogue_stamp(session)  # autoflushes, so pending edits have bumped the revision by now
    return _matcher(holder_of(session, holder), session, (database_key(session), stamp),
                    bool(session.info.get("catalogue_bumped")))


def load_listings(session: Session, since: int | None = None) -> list[Listing]:
    """Return every offer as a plain listing for the search index (``reader.read_offers``, no ORM objects).

    With ``since``, only offers changed after that catalogue revision (or whose organisation was).
    """
    return [listing(row) for row in read_offers(session, since)]


def _build_later(session: Session):
    bind = session.get_bind()

    def build() -> tuple[tuple[int, str], SearchIndex]:
        with Session(bind=bind) as own:  # a transaction of its own, in a background thread
            stamp = catalogue_stamp(own)  # first, so the index is never older than its label
            return stamp, SearchIndex(load_listings(own))

    return build


def search_index(session: Session,
                 holder: SearchIndexes | None = None) -> tuple[InterestMatcher, dict[str, set[str]], SearchIndex]:
    """Return the interest matcher, the mapped-term aliases and the search index for this session.

    They are kept in ``holder`` (default: the search indexes of the runtime that opened ``session``).

    A session holding uncommitted catalogue changes gets an index of its own, built from what it sees.
    """
    stamp = catalogue_stamp(session)  # autoflushes, so pending edits have bumped the revision by now
    private = bool(session.info.get("catalogue_bumped"))
    database = database_key(session)
    holder = holder_of(session, holder)
    matcher, aliases = _matcher(holder, session, (database, stamp), private)
    if private:
        return matcher, aliases, SearchIndex(load_listings(session))
    index = holder.indexes.get(database, stamp, lambda: SearchIndex(load_listings(session)), _build_later(session),
                        _updater(session, stamp))
    return matcher, aliases, index


def _updater(session: Session, stamp: tuple[int, str]):
    def update(held, index: SearchIndex) -> tuple[bool, SearchIndex] | None:
        """Apply the offers changed or deleted since revision ``held``: exactly what a full build gives."""
        since = diff_base(session, held, stamp)
        if since is None:
            return None
        listings = load_listings(session, since)
        gone = deleted_since(session, since)["offer"]
        if len(listings) + len(gone) > MAX_CHANGED_ROWS:
            return None
        updated = update_search_index(index, listings, gone)
        return None if updated is None else (True, updated)

    return update


# -- the search itself -------------------------------------------------------------------------------

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


def _district(session: Session, ref: str) -> District:
    query = select(District).where(District.slug == ref)
    if parse_id(ref):
        query = select(District).where(or_(District.id == parse_id(ref), District.slug == ref))
    district = session.scalars(query.options(defer(District.geometry))).first()
    if district is None:
        raise RecordError("søgning", "district", "search.unknown_district", ref=repr(ref))
    return district


def search(session: Session, query: SearchQuery, *, today: dt.date | None = None,
           stale_after_days: int = 180, statuses: tuple[OfferStatus, ...] = (OfferStatus.active,),
           indexes: SearchIndexes | None = None) -> SearchResults:
    """Return the offers matching ``query``: best text match first, then nearest, then by name.

    Free text matches an offer's interests (Danish synonyms, umbrella terms, needs, typos via the
    interest matcher; refused interests left out), its title or organisation name (substring 1.0,
    else rapidfuzz partial_ratio ≥ 82 scaled by 0.9, only for words that are not known terms) or,
    failing those, its description (substring, 0.5); a name or description hit through another real
    term is refused.
    Filtering, scoring and ordering run on the in-memory search index; the page's offers are
    then read from the database, so the facts shown are current.
    """
    today = today or local_today()
    district = _district(session, query.district) if query.district else None
    district_id = district.id if district else None
    origin, origin_label = None, None
    if query.postcode:
        origin = default_geocoder().postcode(query.postcode)
        if origin is None:
            raise RecordError("søgning", "postcode", "search.unknown_postcode", postcode=query.postcode)
        origin, origin_label = (origin[0], origin[1]), f"postnummer {query.postcode}"
    elif district is not None:
        origin_label = f"midten af {district.name}"
    if query.sort == "distance" and origin is None and district is None:
        raise RecordError("søgning", "sort", "search.distance_needs_origin")
    centre = origin or (None if district is None else (district.centroid_lat, district.centroid_lon))
    matcher, aliases, index = search_index(session, indexes)
    codes: dict[str, float] = {}
    understood: list[str] = []
    folded = None
    guard = None
    if query.text:
        codes = matcher.expand(query.text)
        understood = [matcher.name(c) for c in codes]
        folded = normalise(query.text)
        guard = matcher.name_guard(query.text)  # "ridning" never finds "Brydning" by its letters
    filters = dict(statuses=[s.value for s in statuses], kind=query.kind, age=query.age, weekday=query.weekday,
                   free_only=query.free_only, fee_support=query.fee_support, gender=query.gender,
                   daypart=query.daypart)
    mask = index.filter(district_id=district_id, **filters)
    hits = index.search(folded, codes, aliases, mask=mask,
                        origin=origin if query.sort != "distance" else centre,
                        max_km=query.max_km, offset=query.offset, limit=query.limit, sort=query.sort,
                        name_guard=guard)
    nearby_hits = None
    if district is not None and hits.total < NEARBY_WHEN and query.offset == 0:
        outside = index.filter(not_district_id=district.id, **filters)
        reach = min(query.max_km, NEARBY_MAX_KM) if query.max_km else NEARBY_MAX_KM
        nearby_hits = index.search(folded, codes, aliases, mask=outside, origin=centre, max_km=reach,
                                   limit=NEARBY_LIMIT, sort="distance", name_guard=guard)
    wanted = hits.ids + (nearby_hits.ids if nearby_hits else [])
    offers = _load_offers(session, wanted)
    rows = [result_row(offers[i], today, stale_after_days, d, score)
            for i, score, d in zip(hits.ids, hits.scores, hits.distances, strict=True) if i in offers]
    nearby = [result_row(offers[i], today, stale_after_days, d, score)
              for i, score, d in zip(nearby_hits.ids, nearby_hits.scores, nearby_hits.distances, strict=True)
              if i in offers] if nearby_hits else []
    return SearchResults(total=hits.total, rows=rows, query=query, interests=understood, nearby=nearby,
                         origin_label=origin_label, district_name=district.name if district else None)


def _load_offers(session: Session, ids: list[int]) -> dict[int, Offer]:
    """Return the offers of ``ids`` with what a result row shows, by id."""
    if not ids:
        return {}
    # A page is at most MAX_LIMIT + NEARBY_LIMIT offers: the offers with their organisation and district,
    # then their interests and schedules by offer id (three indexed queries). Joined in one query,
    # SQLite materialised the whole offer_interests x interest_terms join (5 s at 1,000,000 offers).
    return {o.id: o for o in session.scalars(
        select(Offer).where(Offer.id.in_(ids))
        .options(defer(Offer.hsds_source), defer(Offer.other_attributes),
                 joinedload(Offer.organisation).defer(Organisation.hsds_source),
                 joinedload(Offer.district).defer(District.geometry),
                 selectinload(Offer.interests), selectinload(Offer.schedules)))}


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
        interests=[t.name for t in offer.interests], distance_km=distance_km, score=round(score, 3),
        gender=offer.gender.value if offer.gender else None)
