"""Waiting lists: put a referred child on a full offer's list; tell the contact person when a spot frees.

The notice is written by a ``before_flush`` listener whenever an offer's free spots go up, so it holds
for every front end (Min forening, the API, key staff editing, an import) and is written in the same
transaction as the change: committed together or not at all.
"""

from __future__ import annotations

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from matcher.accounts.models import User
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import Offer, OfferStatus
from matcher.clubs.models import WaitingListEntry
from matcher.clubs.notify import mail_contact_person_of_spot
from matcher.db import utcnow
from matcher.pathways.checks import require_follow
from matcher.pathways.models import Referral


def waiting_entry(session: Session, referral: Referral) -> WaitingListEntry | None:
    """Return the referral's open waiting-list entry, if any."""
    return session.scalars(select(WaitingListEntry).where(WaitingListEntry.referral_id == referral.id,
                                                          WaitingListEntry.removed_at.is_(None))).first()


def put_on_waiting_list(session: Session, referral: Referral, user: User) -> WaitingListEntry:
    """Put the referred child on the offer's waiting list (the offer must be full); flush only."""
    require_follow(user, referral.child)
    record = f"henvisning {referral.id}"
    if referral.offer is None:
        raise RecordError(record, "offer_id", "waiting.mentor")
    if referral.status == "ended":
        raise RecordError(record, "status", "referral.ended")
    if referral.offer.spots_free is None or referral.offer.spots_free > 0:
        raise RecordError(record, "spots_free", "waiting.free_spots")
    entry = session.scalars(select(WaitingListEntry).where(WaitingListEntry.referral_id == referral.id)).first()
    if entry is None:
        entry = WaitingListEntry(offer=referral.offer, referral=referral, added_by_id=user.id)
        session.add(entry)
    elif entry.removed_at is not None or entry.notified_at is not None:
        entry.removed_at, entry.notified_at, entry.added_at = None, None, utcnow()
    session.flush()
    return entry


def remove_from_waiting_list(session: Session, referral: Referral, user: User) -> None:
    """Take the child off the waiting list; flush only."""
    require_follow(user, referral.child)
    entry = waiting_entry(session, referral)
    if entry is None:
        raise RecordError(f"henvisning {referral.id}", "waiting_list", "waiting.not_listed")
    entry.removed_at = utcnow()
    session.flush()


def queue_length(session: Session, offer_id: int) -> int:
    """Return how many children wait for a spot on the offer (not yet told of one)."""
    return len(session.scalars(select(WaitingListEntry.id).where(
        WaitingListEntry.offer_id == offer_id, WaitingListEntry.removed_at.is_(None),
        WaitingListEntry.notified_at.is_(None))).all())


def _freed(offer: Offer) -> int:
    history = inspect(offer).attrs.spots_free.history
    if not history.has_changes() or offer.spots_free is None or offer.status is not OfferStatus.active:
        return 0
    before = history.deleted[0] if history.deleted else None
    return offer.spots_free - (before or 0) if before is None or offer.spots_free > before else 0


@event.listens_for(Session, "before_flush")
def _tell_waiting(session: Session, _context, _instances) -> None:
    offers = [(o, _freed(o)) for o in session.dirty if isinstance(o, Offer)]
    offers = [(o, n) for o, n in offers if n > 0]
    if not offers:
        return
    with session.no_autoflush:
        for offer, freed in offers:
            entries = session.scalars(select(WaitingListEntry).where(
                WaitingListEntry.offer_id == offer.id, WaitingListEntry.removed_at.is_(None),
                WaitingListEntry.notified_at.is_(None)).order_by(WaitingListEntry.added_at, WaitingListEntry.id)
                .limit(freed)).all()
            for entry in entries:
                entry.notified_at = utcnow()
                mail_contact_person_of_spot(session, entry.referral.child.contact_person, flush=False)
