"""Candidates built from ORM objects one by one: the reference the bulk catalogue reader is checked against."""

from __future__ import annotations

from matcher.catalogue.models import Mentor, Offer, OfferKind
from matcher.matching.interests import InterestMatcher
from matcher.matching.types import Candidate


def _schedule(offer: Offer) -> tuple[tuple[str, str, str], ...]:
    rows = []
    for s in offer.schedules:
        if s.opens_at and s.closes_at:
            rows += [(d, s.opens_at.strftime("%H:%M"), s.closes_at.strftime("%H:%M")) for d in s.weekdays]
    return tuple(rows)


def offer_candidate(offer: Offer, mapped: dict[str, str]) -> Candidate:
    """Return the plain candidate for an offer (activity or leisure job)."""
    org = offer.organisation
    return Candidate(
        id=offer.id, external_id=offer.external_id,
        kind="leisure-job" if offer.kind is OfferKind.leisure_job else "activity",
        name=offer.title, organisation=org.name, description=offer.description or "",
        interests=tuple(dict.fromkeys(mapped.get(t.code, t.code) for t in offer.interests)),
        lat=offer.lat, lon=offer.lon, district=offer.district.name if offer.district else None,
        age_min=offer.age_min, age_max=offer.age_max,
        gender=offer.gender.value if offer.gender else None,
        weekdays=tuple(offer.weekdays), schedule=_schedule(offer),
        monthly_fee_dkk=float(offer.monthly_fee_dkk) if offer.monthly_fee_dkk is not None else None,
        fee_support=offer.fee_support, spots_free=offer.spots_free, status=offer.status.value,
        languages=tuple(offer.languages or ()), verified_at=offer.verified_at,
        inclusion=0.6 * org.vulnerable_experience + 0.4 * org.childcert_policy,
        light_work=offer.light_work, serves_alcohol=offer.serves_alcohol,
    )


def mentor_candidate(mentor: Mentor, matcher: InterestMatcher, centroids: dict[str, tuple[float, float]]) -> Candidate:
    """Return the plain candidate for a volunteer mentor, located at the postcode centroid."""
    codes: dict[str, float] = {}
    for interest in mentor.interests:
        for code, confidence in matcher.expand(interest).items():
            codes[code] = max(codes.get(code, 0.0), confidence)
    lat, lon = centroids.get(mentor.postcode or "", (None, None))
    return Candidate(
        id=mentor.id, external_id=mentor.external_id, kind="mentor", name=mentor.name,
        organisation=mentor.organisation.name if mentor.organisation else None,
        description=", ".join(mentor.interests), interests=tuple(codes),
        lat=lat, lon=lon, district=mentor.district.name if mentor.district else None,
        age_min=mentor.age_min, age_max=mentor.age_max, gender=None,
        weekdays=tuple(mentor.weekdays), schedule=(), monthly_fee_dkk=0.0, fee_support=False,
        spots_free=None, status="active", languages=tuple(mentor.languages or ()),
        verified_at=mentor.updated_at.date() if mentor.updated_at else None,
        inclusion=1.0 if mentor.childcert_valid_until else 0.5,
        childcert_valid_until=mentor.childcert_valid_until, approved=mentor.approved,
        max_children=mentor.max_children, current_children=mentor.current_children,
    )
