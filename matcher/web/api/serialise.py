"""Plain JSON objects for the API: every object has ``id`` and, where imported, ``external_id``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from matcher.catalogue.models import Mentor, Offer, Organisation
from matcher.catalogue.search import is_stale, schedule_texts


def _money(value) -> float | None:
    return None if value is None else float(value)


def offer_dict(offer: Offer, stale_after_days: int, today: dt.date | None = None) -> dict[str, Any]:
    """Return an offer with its place, schedules and interests."""
    today = today or dt.date.today()
    return {
        "id": offer.id, "external_id": offer.external_id,
        "organisation_id": offer.organisation_id, "organisation_external_id": offer.organisation.external_id,
        "organisation_name": offer.organisation.name,
        "kind": offer.kind.value, "status": offer.status.value, "title": offer.title,
        "description": offer.description, "age_min": offer.age_min, "age_max": offer.age_max,
        "gender": offer.gender.value if offer.gender else None,
        "monthly_fee_dkk": _money(offer.monthly_fee_dkk), "fee_support": offer.fee_support,
        "capacity": offer.capacity, "spots_free": offer.spots_free, "languages": list(offer.languages or []),
        "verified_at": offer.verified_at.isoformat() if offer.verified_at else None,
        "stale": is_stale(offer.verified_at, today, stale_after_days),
        "district_id": offer.district_id, "district_name": offer.district.name if offer.district else None,
        "place": {"name": offer.place_name, "address": offer.address, "postcode": offer.postcode,
                  "city": offer.city, "lat": offer.lat, "lon": offer.lon},
        "schedules": [{"id": s.id, "external_id": s.external_id, "weekdays": list(s.weekdays or []),
                       "opens_at": s.opens_at.strftime("%H:%M") if s.opens_at else None,
                       "closes_at": s.closes_at.strftime("%H:%M") if s.closes_at else None,
                       "description": s.description} for s in offer.schedules],
        "times": schedule_texts(offer),
        "interests": [{"id": t.id, "external_id": t.external_id, "code": t.code, "name": t.name}
                      for t in offer.interests],
        "version": offer.version,
    }


def organisation_dict(org: Organisation) -> dict[str, Any]:
    """Return an organisation with a short list of its offers."""
    return {
        "id": org.id, "external_id": org.external_id, "name": org.name, "kind": org.kind.value,
        "description": org.description, "email": org.email, "phone": org.phone, "website": org.website,
        "address": org.address, "postcode": org.postcode, "city": org.city, "district_id": org.district_id,
        "childcert_policy": org.childcert_policy, "vulnerable_experience": org.vulnerable_experience,
        "offers": [{"id": o.id, "external_id": o.external_id, "title": o.title, "kind": o.kind.value,
                    "status": o.status.value} for o in org.offers],
    }


def mentor_dict(m: Mentor) -> dict[str, Any]:
    """Return a mentor; the children's certificate only as its validity date."""
    return {
        "id": m.id, "external_id": m.external_id, "name": m.name, "gender": m.gender, "postcode": m.postcode,
        "district_id": m.district_id, "district_name": m.district.name if m.district else None,
        "organisation_id": m.organisation_id,
        "organisation_external_id": m.organisation.external_id if m.organisation else None,
        "interests": list(m.interests or []), "languages": list(m.languages or []),
        "weekdays": list(m.weekdays or []), "age_min": m.age_min, "age_max": m.age_max,
        "max_children": m.max_children, "current_children": m.current_children,
        "childcert_valid_until": m.childcert_valid_until.isoformat() if m.childcert_valid_until else None,
        "approved": m.approved,
    }
