"""Plain JSON objects for the API: every object has ``id`` and, where imported, ``external_id``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from matcher.catalogue.models import Mentor, Offer, Organisation
from matcher.catalogue.search import is_stale, schedule_texts
from matcher.clock import local_today
from matcher.clubs.models import ClubAnswer
from matcher.pathways.models import Referral
from matcher.urls import safe_url


def _money(value) -> float | None:
    return None if value is None else float(value)


def offer_dict(offer: Offer, stale_after_days: int, today: dt.date | None = None) -> dict[str, Any]:
    """Return an offer with its place, schedules and interests."""
    today = today or local_today()
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


def organisation_dict(org: Organisation, with_pending: bool = False) -> dict[str, Any]:
    """Return an organisation with a short list of its offers (those awaiting approval only ``with_pending``)."""
    return {
        "id": org.id, "external_id": org.external_id, "name": org.name, "kind": org.kind.value,
        "description": org.description, "email": org.email, "phone": org.phone, "website": safe_url(org.website),
        "address": org.address, "postcode": org.postcode, "city": org.city, "district_id": org.district_id,
        "childcert_policy": org.childcert_policy, "vulnerable_experience": org.vulnerable_experience,
        "offers": [{"id": o.id, "external_id": o.external_id, "title": o.title, "kind": o.kind.value,
                    "status": o.status.value} for o in org.offers
                   if o.status.value != "pending" or with_pending],
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


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def child_dict(child, today: dt.date, phase=None) -> dict[str, Any]:
    """Return a child's pseudonymous profile (no names, no CPR, no address)."""
    return {
        "id": child.id, "code": child.code,
        "birth_date": None if child.birth_year_only else _iso(child.birth_date),
        "birth_year": child.birth_date.year if child.birth_date else None, "age": child.age_on(today),
        "gender": child.gender, "postcode": child.postcode, "district_id": child.district_id,
        "district_name": child.district.name if child.district else None, "interests": child.interests,
        "languages": list(child.languages or []), "weekdays": list(child.weekdays or []),
        "contact_person_id": child.contact_person_id, "created_at": _iso(child.created_at),
        "current_phase": None if phase is None else {
            "id": phase.id, "kind": phase.kind, "label": phase.label, "start_date": _iso(phase.start_date)},
    }


def referral_dict(r) -> dict[str, Any]:
    """Return a referral with its target, status dates, end reason and what was shared with the club."""
    return {
        "id": r.id, "child_id": r.child_id, "phase_id": r.phase_id,
        "offer_id": r.offer_id, "offer_external_id": r.offer.external_id if r.offer else None,
        "mentor_id": r.mentor_id, "mentor_external_id": r.mentor.external_id if r.mentor else None,
        "target_name": r.offer.title if r.offer else (r.mentor.name if r.mentor else None),
        "status": r.status, "status_label": r.status_label, "status_since": _iso(r.status_since),
        "suggested_on": _iso(r.suggested_on), "active_since": _iso(r.active_since), "ended_on": _iso(r.ended_on),
        "end_reason": r.end_reason, "end_note": r.end_note, "first_session_on": _iso(r.first_session_on),
        "match_score": r.match_score, "match_components": r.match_components,
        "shared_with_club_on": _iso(r.shared_with_club_on), "shared_with_club_scope": r.shared_with_club_scope,
        "shared_with_club_name": r.shared_with_club_name, "created_at": _iso(r.created_at),
    }


def participation_dict(p) -> dict[str, Any]:
    """Return one logged session (a correction points to the entry it supersedes)."""
    return {
        "id": p.id, "referral_id": p.referral_id, "date": _iso(p.date), "attended": p.attended,
        "accompanied_by": p.accompanied_by, "network_person_id": p.network_person_id, "note": p.note,
        "logged_at": _iso(p.logged_at), "logged_by_id": p.logged_by_id, "supersedes_id": p.supersedes_id,
        "voided": p.voided,
    }


def answer_dict(answer: ClubAnswer | None) -> dict | None:
    """Return the club's answer as JSON (None when the club has not answered)."""
    if answer is None:
        return None
    return {"answer": answer.answer, "label": answer.label, "first_session_on": _iso(answer.first_session_on),
            "met_by": answer.met_by, "message": answer.message, "suggested_offer_id": answer.suggested_offer_id,
            "suggested_offer_title": answer.suggested_offer.title if answer.suggested_offer else None,
            "answered_at": _iso(answer.answered_at)}


def answer_fields(answer: ClubAnswer | None, referral: Referral) -> dict:
    """Return ``club_answer`` and the answer's details for a referral object, plus ``first_session_on``.

    ``first_session_on`` is the first attended session once one is logged, until then the first
    session the club offered in its welcome.
    """
    planned = answer.first_session_on if answer is not None and answer.answer == "welcome" else None
    return {"club_answer": answer.answer if answer else None, "club_answer_detail": answer_dict(answer),
            "first_session_on": _iso(referral.first_session_on or planned)}
