"""Count catalogue changes so that every process can tell when its match index is stale."""

from __future__ import annotations

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from matcher.catalogue.models import (
    CatalogueRevision,
    InterestTerm,
    Mentor,
    Offer,
    OfferSchedule,
    Organisation,
)
from matcher.db import utcnow

TRACKED = (Offer, OfferSchedule, Organisation, Mentor, InterestTerm)


def current_revision(session: Session) -> int:
    """Return the catalogue's revision number (0 before any change)."""
    return session.scalar(select(CatalogueRevision.revision).where(CatalogueRevision.id == 1)) or 0


@event.listens_for(Session, "before_flush")
def _bump_on_catalogue_change(session: Session, _context, _instances) -> None:
    touched = any(isinstance(obj, TRACKED) for obj in (*session.new, *session.dirty, *session.deleted))
    if not touched or session.info.get("catalogue_bumped"):
        return
    conn = session.connection()
    done = conn.execute(update(CatalogueRevision).where(CatalogueRevision.id == 1)
                        .values(revision=CatalogueRevision.revision + 1, changed_at=utcnow()))
    if done.rowcount == 0:
        conn.execute(insert(CatalogueRevision).values(id=1, revision=1, changed_at=utcnow()))
    session.info["catalogue_bumped"] = True  # once per transaction is enough


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _reset(session: Session) -> None:
    session.info.pop("catalogue_bumped", None)
