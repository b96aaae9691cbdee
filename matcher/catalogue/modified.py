"""Keep ``Offer.updated_at`` true when only an offer's schedules or interests change.

The HSDS feed's ``modified_after`` (and so every follower's incremental sync) reads ``updated_at``;
a change to a child row or to the interest links does not update the offer's own row by itself.
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from matcher.catalogue.models import Offer, OfferSchedule
from matcher.db import utcnow


@event.listens_for(Session, "before_flush")
def _touch_changed_offers(session: Session, _context, _instances) -> None:
    touched: set[Offer] = set()
    with session.no_autoflush:
        for obj in (*session.dirty, *session.deleted, *session.new):
            if isinstance(obj, OfferSchedule):
                offer = obj.offer or (session.get(Offer, obj.offer_id) if obj.offer_id else None)
                if offer is not None and offer not in session.new:
                    touched.add(offer)
            elif isinstance(obj, Offer) and obj not in session.new and obj not in session.deleted:
                state = inspect(obj)
                if state.attrs.interests.history.has_changes() or state.attrs.schedules.history.has_changes():
                    touched.add(obj)
    now = utcnow()
    for offer in touched:
        if offer not in session.deleted:
            offer.updated_at = now
