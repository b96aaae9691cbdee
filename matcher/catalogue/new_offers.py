"""A club adds an offer: created as pending, public once key staff approve it; flush only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matcher.catalogue.errors import RecordError
from matcher.catalogue.locating import locate_offer
from matcher.catalogue.models import ListingChange, Offer, OfferKind, OfferSchedule, OfferStatus, Organisation
from matcher.catalogue.operations import OFFER_FIELDS, _parse, _record, _terms, check_offer
from matcher.clock import local_today
from matcher.db import utcnow

#: Field recorded in the listing changes when an offer is created (new value: its title).
CREATED = "created"


def _kind(value: Any) -> OfferKind:
    text = str(value or "activity").strip()
    try:
        return OfferKind(text)
    except ValueError:
        raise RecordError("nyt tilbud", "kind", "offer.kind") from None


def create_offer(session: Session, org: Organisation, values: dict[str, Any], user: Any, *,
                 needs_review: bool, today: dt.date | None = None) -> Offer:
    """Create an offer of ``org`` from form or API values; pending until approved when ``needs_review``.

    The values are those of an edit (title, ages, schedules, interests, venue, …) plus ``kind``;
    the venue defaults to the organisation's address. Creating it confirms the listing today.
    """
    record = f"nyt tilbud hos {org.name}"
    values = dict(values)
    try:
        kind = _kind(values.pop("kind", None))
    except RecordError as exc:
        raise exc.at(record) from None
    wanted_status = values.pop("status", None)
    clean = _parse(record, OFFER_FIELDS, values)
    if not clean.get("title"):
        raise RecordError(record, "title", "required")
    codes = clean.pop("interests", [])
    terms = _terms(session, record, codes)  # before the new offer joins the session (no autoflush of half of it)
    offer = Offer(kind=kind, title=clean["title"], description="", languages=[], other_attributes=[],
                  verified_at=today or local_today())
    if needs_review:
        offer.status = OfferStatus.pending
    else:
        offer.status = _parse(record, OFFER_FIELDS, {"status": wanted_status or "active"})["status"]
    check_offer(record, offer, clean)
    schedules = clean.pop("schedules", [])
    for name, value in clean.items():
        setattr(offer, name, value)
    offer.organisation = org
    if not any(clean.get(f) for f in ("place_name", "address", "postcode")):
        offer.address, offer.postcode, offer.city = org.address, org.postcode, org.city
    offer.interests = terms
    offer.schedules = [OfferSchedule(**s) for s in schedules]
    session.add(offer)
    with session.no_autoflush:
        locate_offer(session, offer)
    session.flush()
    change = _record(session, user, CREATED, None, offer.title, offer=offer)
    if not needs_review:
        change.reviewed_at = utcnow()
    session.flush()
    return offer


def _pending(offer: Offer) -> str:
    record = f"tilbud {offer.id}"
    if offer.status is not OfferStatus.pending:
        raise RecordError(record, "status", "offer.not_pending")
    return record


def _close_review(session: Session, offer: Offer) -> None:
    when = utcnow()
    for change in session.scalars(select(ListingChange).where(ListingChange.offer_id == offer.id,
                                                              ListingChange.reviewed_at.is_(None))):
        change.reviewed_at = when


def approve_offer(session: Session, offer: Offer, user: Any) -> ListingChange:
    """Make a pending offer public (active); its changes so far count as reviewed."""
    _pending(offer)
    _close_review(session, offer)
    change = _record(session, user, "status", OfferStatus.pending, OfferStatus.active, offer=offer)
    change.reviewed_at = utcnow()
    offer.status = OfferStatus.active
    offer.updated_at = utcnow()
    session.flush()
    return change


def reject_offer(session: Session, offer: Offer, user: Any, reason: str) -> ListingChange:
    """Refuse a pending offer (it is closed, never public); ``reason`` is shown to the club."""
    record = _pending(offer)
    reason = (reason or "").strip()
    if not reason:
        raise RecordError(record, "reason", "offer.reject_reason")
    if len(reason) > 500:
        raise RecordError(record, "reason", "too_long", max=500)
    _close_review(session, offer)
    change = _record(session, user, "status", OfferStatus.pending, OfferStatus.closed, offer=offer)
    note = _record(session, user, "review_note", None, reason, offer=offer)
    change.reviewed_at = note.reviewed_at = utcnow()
    offer.status = OfferStatus.closed
    offer.updated_at = utcnow()
    session.flush()
    return change


def pending_offers(session: Session, district_id: int | None = None) -> list[Offer]:
    """Return the offers waiting for approval, oldest first (optionally of one district)."""
    stmt = (select(Offer).where(Offer.status == OfferStatus.pending)
            .options(selectinload(Offer.organisation), selectinload(Offer.interests), selectinload(Offer.schedules))
            .order_by(Offer.created_at, Offer.id))
    if district_id is not None:
        stmt = stmt.where(Offer.district_id == district_id)
    return list(session.scalars(stmt))
