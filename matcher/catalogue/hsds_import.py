"""Read HSDS 3.1 services (Danish profile) into the catalogue, all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matcher.catalogue import hsds_profile as P
from matcher.catalogue.districts import district_at, district_for_postcode
from matcher.catalogue.errors import ImportFailed, RecordError, json_record_error
from matcher.catalogue.hsds_hygiene import OrganisationLedger
from matcher.catalogue.hsds_parse import ParsedService, ParsedTerm, parse_service
from matcher.catalogue.models import (
    District,
    InterestTerm,
    Offer,
    OfferSchedule,
    Organisation,
)
from matcher.catalogue.org_identity import OrganisationIdentity
from matcher.catalogue.summary import ImportSummary, assign_changed
from matcher.jsonio import JSONInputError, loads

Progress = Callable[[int, int], None]


def load_services(text: str | bytes, source: str = "") -> list[dict[str, Any]]:
    """Decode an HSDS document: a list of services, one service, or a page with ``contents``."""
    try:
        data = loads(text)
    except JSONInputError as exc:
        raise ImportFailed([json_record_error(exc, "service")], source) from None
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]
    elif isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ImportFailed([RecordError("document", "-", "expected a list of HSDS services")], source)
    return data


class _Upserter:
    """Applies parsed services to the session, counting what changed."""

    def __init__(self, session: Session, summary: ImportSummary):
        self.session = session
        self.summary = summary
        self.terms = {t.code: t for t in session.scalars(select(InterestTerm))}
        self.orgs = {o.external_id: o for o in session.scalars(select(Organisation)) if o.external_id}
        self.districts = {d.name: d for d in session.scalars(select(District))}
        self.postcode_district: dict[str, District | None] = {}
        self.org_seen: set[str] = set()
        self.identity = OrganisationIdentity(session)

    def district(self, place: dict[str, Any]) -> District | None:
        if "lat" in place:
            name = district_at(place["lat"], place["lon"])
            return self.districts.get(name) if name else None
        pc = place.get("postcode")
        if pc and pc not in self.postcode_district:
            self.postcode_district[pc] = district_for_postcode(self.session, pc)
        return self.postcode_district.get(pc) if pc else None

    def term(self, parsed: ParsedTerm, record: str) -> InterestTerm:
        term = self.terms.get(parsed.code)
        if term is None:
            term = InterestTerm(code=parsed.code, name=parsed.name, synonyms=[], needs_mapping=True)
            self.session.add(term)
            self.terms[parsed.code] = term
            self.summary.flag(f"{record}: new interest term {parsed.code!r} ({parsed.name}) needs mapping")
        return term

    def organisation(self, s: ParsedService) -> tuple[Organisation, bool]:
        p = s.organisation
        org = self.orgs.get(p.external_id)
        if org is None and (twin := self.identity.find(p.identifiers)) is not None:
            # Another directory's copy of a club the catalogue has: join it; its own source owns its details.
            if p.external_id not in self.org_seen:
                self.org_seen.add(p.external_id)
                self.summary.flag(f"organisation {p.external_id} ({p.name}) is {twin.external_id or twin.id} "
                                  f"({twin.name}) by {', '.join(' '.join(i) for i in p.identifiers)}: merged")
            return twin, False
        created = org is None
        if created:
            org = Organisation(external_id=p.external_id)
            self.session.add(org)
            self.orgs[p.external_id] = org
        if p.external_id in self.org_seen:
            return org, False  # first service of an import sets the organisation
        self.org_seen.add(p.external_id)
        kind = s.organisation_kind or P.default_organisation_kind(s.kind)
        district = self.district(s.place)
        values = dict(name=p.name, description=p.description, email=p.email, website=p.website, phone=p.phone,
                      kind=kind, vulnerable_experience=s.vulnerable_experience,
                      childcert_policy=s.childcert_policy, hsds_source=p.source,
                      address=s.place.get("address"), postcode=s.place.get("postcode"), city=s.place.get("city"),
                      lat=s.place.get("lat"), lon=s.place.get("lon"),
                      district_id=district.id if district else None)
        changed = assign_changed(org, values)
        self.identity.remember(org, p.identifiers, self.summary, f"organisation {p.external_id}")
        return org, changed and not created

    def offer(self, s: ParsedService, existing: Offer | None, index: int) -> str:
        record = f"service[{index}] id={s.external_id}"
        for w in s.warnings:
            self.summary.flag(f"{record}: {w}")
        org, _ = self.organisation(s)
        offer = existing or Offer(external_id=s.external_id)
        if existing is None:
            self.session.add(offer)
        district = self.district(s.place)
        values = dict(
            organisation=org, kind=s.kind, title=s.title, description=s.description, age_min=s.age_min,
            age_max=s.age_max, gender=s.gender, monthly_fee_dkk=s.fee, fee_support=s.fee_support,
            capacity=s.capacity, spots_free=s.spots_free, languages=s.languages, status=s.status,
            verified_at=s.verified_at, place_name=s.place.get("name"), address=s.place.get("address"),
            postcode=s.place.get("postcode"), city=s.place.get("city"), lat=s.place.get("lat"),
            lon=s.place.get("lon"), district_id=district.id if district else None,
            other_attributes=s.other_attributes, hsds_source=s.source)
        changed = assign_changed(offer, values)
        interests = [self.term(t, record) for t in s.interests]
        if [t.code for t in offer.interests] != sorted(t.code for t in interests):
            offer.interests = sorted(interests, key=lambda t: t.code)
            changed = True
        if _schedule_key(offer.schedules) != [_schedule_key_of(d) for d in s.schedules]:
            offer.schedules = [OfferSchedule(**d) for d in s.schedules]
            changed = True
        if existing is None:
            return "created"
        return "updated" if changed else "unchanged"


def _schedule_key_of(d: dict[str, Any]) -> tuple:
    return (d["external_id"], tuple(d["weekdays"]), d["opens_at"], d["closes_at"], d["description"])


def _schedule_key(rows: Iterable[OfferSchedule]) -> list[tuple]:
    return [(r.external_id, tuple(r.weekdays), r.opens_at, r.closes_at, r.description) for r in rows]


def import_services(session: Session, services: list[Any], *, strict: bool = True, source: str = "",
                    progress: Progress | None = None) -> ImportSummary:
    """Validate every service, then create or update offers and organisations; flush only.

    Raises ``ImportFailed`` naming each bad record and field before anything is written.
    With ``strict=False`` (for generic HSDS directories) coordinates outside Denmark and
    non-Danish postcodes are flagged and left out instead of refusing the file.
    """
    errors: list[RecordError] = []
    parsed: list[ParsedService] = []
    seen: dict[str, int] = {}
    ledger = OrganisationLedger()
    for i, raw in enumerate(services):
        s = parse_service(raw, i, errors, strict=strict)
        if s is None or not ledger.check(s, i, errors):
            continue
        if s.external_id in seen:
            errors.append(RecordError(f"service[{i}] id={s.external_id}", "id",
                                      f"duplicates service[{seen[s.external_id]}]"))
            continue
        seen[s.external_id] = i
        parsed.append(s)
    if errors:
        raise ImportFailed(errors, source)

    summary = ImportSummary()
    upserter = _Upserter(session, summary)
    existing = {
        o.external_id: o for o in session.scalars(
            select(Offer).where(Offer.external_id.in_(list(seen)))
            .options(selectinload(Offer.interests), selectinload(Offer.schedules)))
    } if len(seen) <= 20_000 else {
        o.external_id: o for o in session.scalars(
            select(Offer).options(selectinload(Offer.interests), selectinload(Offer.schedules)))
    }
    for n, s in enumerate(parsed, 1):
        summary.count(upserter.offer(s, existing.get(s.external_id), seen[s.external_id]))
        if n % 2000 == 0:
            session.flush()
        if progress:
            progress(n, len(parsed))
    session.flush()
    return summary
