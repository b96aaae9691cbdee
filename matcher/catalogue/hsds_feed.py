"""Read the public HSDS feed: services, organisations and service-at-locations with the API's filters.

Plain operations over a session (no Flask): the JSON API and any other front end parse their input
into a ``FeedFilter`` and call these. Everything here is public: offers and their organisations only,
never children, referrals or mentors.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Text, and_, cast, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from matcher.catalogue import hsds_profile as P
from matcher.catalogue.hsds_export import PUBLIC, organisation_dict, service_dict, stable_id
from matcher.catalogue.hsds_terms import Term, all_terms, find_taxonomy, find_term
from matcher.catalogue.models import InterestTerm, Offer, OfferKind, Organisation
from matcher.clock import utcnow

# Metres per degree of latitude; longitude degrees shrink with cos(latitude).
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Near:
    """A point (a postcode's centroid) and a radius in metres."""

    lat: float
    lon: float
    metres: float


@dataclass(frozen=True)
class FeedFilter:
    """The HSDS list filters, combined with AND; None means "not asked"."""

    search: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    organization_id: str | None = None
    modified_after: dt.datetime | None = None
    postcode: str | None = None
    near: Near | None = None


@dataclass(frozen=True)
class Page:
    """One page of a list: the rows shown and the HSDS page fields."""

    rows: list[Any]
    total: int
    page: int
    per_page: int

    def envelope(self, contents: list[dict[str, Any]]) -> dict[str, Any]:
        """Return the HSDS page object around ``contents``."""
        pages = max(1, math.ceil(self.total / self.per_page))
        return {"total_items": self.total, "total_pages": pages, "page_number": self.page,
                "size": len(contents), "first_page": self.page == 1, "last_page": self.page >= pages,
                "empty": not contents, "contents": contents}


def _stated(column, taxonomy: str):
    """Return whether the imported source object names ``taxonomy`` (export keeps such terms)."""
    return cast(column, Text).contains(f'"{taxonomy}"', autoescape=True)


def _term_condition(term: Term):
    """Return the SQL condition "the published service carries ``term``" (mirrors hsds_export)."""
    code = term.code
    if term.taxonomy == P.INTEREST:
        return Offer.interests.any(InterestTerm.code == code)
    if term.taxonomy == P.OFFER_KIND:
        if code != OfferKind.activity.value:
            return Offer.kind == OfferKind(code)
        return and_(Offer.kind == OfferKind.activity,
                    or_(Offer.hsds_source.is_(None), _stated(Offer.hsds_source, P.OFFER_KIND)))
    if term.taxonomy == P.GENDER:
        return Offer.gender == code
    if term.taxonomy == P.SUPPORT:
        return Offer.fee_support.is_(True)
    if term.taxonomy == P.ORGANISATION_KIND:
        defaulted = [k for k in OfferKind if P.default_organisation_kind(k).value == code]
        return and_(Organisation.kind == code,
                    or_(Offer.kind.notin_(defaulted), _stated(Offer.hsds_source, P.ORGANISATION_KIND)))
    if term.taxonomy == P.INCLUSION:
        return (Organisation.vulnerable_experience if code == P.VULNERABLE_EXPERIENCE
                else Organisation.childcert_policy).is_(True)
    return false()


def _imported_term(session: Session, term_id: str) -> Term | None:
    """Return the profile term an imported attribute published under its own id ``term_id``, or None."""
    source = session.scalar(select(Offer.hsds_source).where(
        cast(Offer.hsds_source, Text).contains(f'"{term_id}"', autoescape=True)).limit(1))
    for attr in (source or {}).get("attributes") or []:
        term = attr.get("taxonomy_term") if isinstance(attr, dict) else None
        if isinstance(term, dict) and term.get("id") == term_id and term.get("taxonomy") in P.MODELLED_TAXONOMIES:
            return Term(term["taxonomy"], str(term.get("code") or ""), "", "")
    return None


def _taxonomy_condition(session: Session, name: str):
    return or_(*[_term_condition(t) for t in all_terms(session) if t.taxonomy == name])


def _conditions(session: Session, f: FeedFilter) -> list:
    where = [PUBLIC]  # a club's new offer is public only once key staff approve it
    if f.search:
        for word in f.search.split():
            like = f"%{_escape(word.lower())}%"
            where.append(or_(func.lower(Offer.title).like(like, escape="\\"),
                             func.lower(Offer.description).like(like, escape="\\"),
                             func.lower(Organisation.name).like(like, escape="\\")))
    if f.taxonomy_term_id:
        term = find_term(session, f.taxonomy_term_id) or _imported_term(session, f.taxonomy_term_id)
        # A term of a taxonomy the product does not model is matched in the kept attributes.
        where.append(_term_condition(term) if term else
                     cast(Offer.other_attributes, Text).contains(f'"{f.taxonomy_term_id}"', autoescape=True))
    if f.taxonomy_id:
        name = find_taxonomy(f.taxonomy_id)
        where.append(_taxonomy_condition(session, name) if name else
                     cast(Offer.other_attributes, Text).contains(f'"{f.taxonomy_id}"', autoescape=True))
    if f.organization_id:
        org = find_organisation(session, f.organization_id)
        where.append(Offer.organisation_id == org.id if org else false())
    if f.modified_after:
        where.append(or_(Offer.updated_at >= f.modified_after, Organisation.updated_at >= f.modified_after))
    if f.postcode and not f.near:
        where.append(Offer.postcode == f.postcode)
    if f.near:
        n = f.near
        dy = (Offer.lat - n.lat) * METRES_PER_DEGREE
        dx = (Offer.lon - n.lon) * (METRES_PER_DEGREE * math.cos(math.radians(n.lat)))
        # Equirectangular distance: within 0.1 % of the great circle over a country's distances.
        where += [Offer.lat.is_not(None), Offer.lon.is_not(None), dx * dx + dy * dy <= n.metres * n.metres]
    return where


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _offer_ids(session: Session, f: FeedFilter, located: bool = False) -> Select:
    query = select(Offer.id).join(Offer.organisation).where(*_conditions(session, f))
    if located:
        query = query.where(or_(Offer.place_name.is_not(None), Offer.lat.is_not(None), Offer.address.is_not(None),
                                _stated(Offer.hsds_source, "service_at_locations")))
    return query


def _load(session: Session, ids: list[int]) -> list[Offer]:
    rows = session.scalars(select(Offer).where(Offer.id.in_(ids)).order_by(Offer.id)
                           .options(selectinload(Offer.interests), selectinload(Offer.schedules),
                                    selectinload(Offer.organisation))).all()
    return list(rows)


def page_services(session: Session, f: FeedFilter, page: int, per_page: int, located: bool = False) -> Page:
    """Return one page of offers matching ``f``, in id order."""
    query = _offer_ids(session, f, located)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ids = list(session.scalars(query.order_by(Offer.id).limit(per_page).offset((page - 1) * per_page)))
    return Page(_load(session, ids) if ids else [], total, page, per_page)


def iter_services(session: Session, f: FeedFilter, batch: int = 500, located: bool = False) -> Iterator[Offer]:
    """Yield every offer matching ``f`` in id order, ``batch`` at a time, forgetting each batch after use."""
    last = 0
    query = _offer_ids(session, f, located)
    while True:
        ids = list(session.scalars(query.where(Offer.id > last).order_by(Offer.id).limit(batch)))
        if not ids:
            return
        yield from _load(session, ids)
        last = ids[-1]
        session.expunge_all()


def find_service(session: Session, service_id: str) -> Offer | None:
    """Return the offer published with HSDS id ``service_id``, or None."""
    offer = session.scalar(select(Offer).where(Offer.external_id == service_id))
    if offer is not None:
        return offer
    for pk in session.scalars(select(Offer.id).where(Offer.external_id.is_(None))):
        if stable_id("offer", pk) == service_id:
            return session.get(Offer, pk)
    return None


def find_organisation(session: Session, organisation_id: str) -> Organisation | None:
    """Return the organisation published with HSDS id ``organisation_id`` (one with offers), or None."""
    org = session.scalar(select(Organisation).where(Organisation.external_id == organisation_id))
    if org is None:
        org = next((session.get(Organisation, pk) for pk in
                    session.scalars(select(Organisation.id).where(Organisation.external_id.is_(None)))
                    if stable_id("organisation", pk) == organisation_id), None)
    if org is None or not session.scalar(select(Offer.id).where(Offer.organisation_id == org.id).limit(1)):
        return None
    return org


def find_service_at_location(session: Session, sal_id: str) -> tuple[Offer, dict[str, Any]] | None:
    """Return the offer and service_at_location object with HSDS id ``sal_id``, or None."""
    candidates = list(session.scalars(select(Offer.id).where(
        cast(Offer.hsds_source, Text).contains(f'"{sal_id}"', autoescape=True))))
    if not candidates:
        # Generated ids: stable_id("sal", service id); computed for offers with a place.
        located = session.execute(select(Offer.id, Offer.external_id).where(
            or_(Offer.place_name.is_not(None), Offer.lat.is_not(None), Offer.address.is_not(None))))
        candidates = [pk for pk, ext in located if stable_id("sal", ext or stable_id("offer", pk)) == sal_id]
    for offer in _load(session, candidates):
        for sal in service_dict(offer).get("service_at_locations") or []:
            if sal.get("id") == sal_id:
                return offer, sal
    return None


def _organisation_conditions(session: Session, f: FeedFilter) -> list:
    where = [Organisation.offers.any()]
    if f.search:
        for word in f.search.split():
            like = f"%{_escape(word.lower())}%"
            where.append(or_(func.lower(Organisation.name).like(like, escape="\\"),
                             func.lower(Organisation.description).like(like, escape="\\")))
    if f.taxonomy_term_id or f.taxonomy_id:
        inner = FeedFilter(taxonomy_term_id=f.taxonomy_term_id, taxonomy_id=f.taxonomy_id)
        where.append(Organisation.id.in_(_offer_ids(session, inner).with_only_columns(Offer.organisation_id)))
    return where


def page_organisations(session: Session, f: FeedFilter, page: int, per_page: int) -> Page:
    """Return one page of organisations with at least one offer, matching ``f``, in id order."""
    query = select(Organisation.id).where(*_organisation_conditions(session, f))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ids = list(session.scalars(query.order_by(Organisation.id).limit(per_page).offset((page - 1) * per_page)))
    rows = list(session.scalars(select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.id))) \
        if ids else []
    return Page(rows, total, page, per_page)


def iter_organisations(session: Session, f: FeedFilter, batch: int = 500) -> Iterator[Organisation]:
    """Yield every organisation matching ``f`` in id order, a batch at a time."""
    last = 0
    query = select(Organisation).where(*_organisation_conditions(session, f))
    while True:
        rows = list(session.scalars(query.where(Organisation.id > last).order_by(Organisation.id).limit(batch)))
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        session.expunge_all()


def organisation_services(session: Session, org: Organisation) -> Iterator[Offer]:
    """Yield the organisation's offers in id order."""
    yield from _load(session, list(session.scalars(select(Offer.id).where(Offer.organisation_id == org.id))))


def list_view(service: dict[str, Any]) -> dict[str, Any]:
    """Return the one-to-one fields of a service (the HSDS list view): no arrays, the organisation flat."""
    out = {k: v for k, v in service.items() if not isinstance(v, list)}
    if isinstance(out.get("organization"), dict):
        out["organization"] = {k: v for k, v in out["organization"].items() if not isinstance(v, list)}
    return out


def organisation_view(org: Organisation) -> dict[str, Any]:
    """Return the one-to-one fields of an organisation (the HSDS list view)."""
    return {k: v for k, v in organisation_dict(org).items() if not isinstance(v, list)}


def last_modified(offer: Offer) -> str:
    """Return when the offer or its organisation last changed, as HSDS ``last_modified``."""
    stamps = [s for s in (offer.updated_at, offer.organisation.updated_at) if s is not None]
    when = max(stamps) if stamps else utcnow()
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
