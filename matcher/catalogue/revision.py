"""Count catalogue changes, and stamp each changed row, so every process can update its indexes by the changed rows.

Every transaction that writes the catalogue moves the single revision counter once (an UPDATE of
one row, which also serialises catalogue writers, so revisions commit in order) and stamps each
offer, organisation and mentor it writes with that revision (``changed_rev``). An index built at
revision R is brought up to date by reading the rows with ``changed_rev > R``. Changes that cannot
be applied row by row (taxonomy edits, deletions) also move ``structure_rev``: indexes older than
it are rebuilt.
"""

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
ROWS = (Offer, Organisation, Mentor)
#: More changed rows than this since an index was built: rebuild it instead of applying them one by one.
MAX_CHANGED_ROWS = 20_000
_KEYS = ("catalogue_bumped", "catalogue_rev", "catalogue_structure", "catalogue_touch")


def current_revision(session: Session) -> int:
    """Return the catalogue's revision number (0 before any change)."""
    return session.scalar(select(CatalogueRevision.revision).where(CatalogueRevision.id == 1)) or 0


def diff_base(session: Session, held: object, current: object) -> int | None:
    """Return the revision to read changed rows from for an index held at stamp ``held``, or None to rebuild.

    Stamps are ``(revision, changed_at)``; an index can follow forward moves without structural changes.
    """
    if not (isinstance(held, tuple) and isinstance(current, tuple) and held and current):
        return None
    old, new = held[0], current[0]
    if not isinstance(old, int) or not isinstance(new, int) or new <= old:
        return None  # the same number again (a restored backup) or going back: rebuild
    structure = session.scalar(select(CatalogueRevision.structure_rev).where(CatalogueRevision.id == 1)) or 0
    return None if structure > old else old


def bump(session: Session) -> int:
    """Return this transaction's catalogue revision, moving the counter on the first call of the transaction."""
    rev = session.info.get("catalogue_rev")
    if rev is not None:
        return rev
    conn = session.connection()
    rev = conn.execute(update(CatalogueRevision).where(CatalogueRevision.id == 1)
                       .values(revision=CatalogueRevision.revision + 1, changed_at=utcnow())
                       .returning(CatalogueRevision.revision)).scalar()
    if rev is None:
        rev = 1
        conn.execute(insert(CatalogueRevision).values(id=1, revision=rev, changed_at=utcnow(), structure_rev=0))
    session.info["catalogue_rev"] = rev
    session.info["catalogue_bumped"] = True
    return rev


def mark_structure_change(session: Session) -> None:
    """Record that this transaction changed something indexes cannot apply row by row (they rebuild)."""
    rev = bump(session)
    if not session.info.get("catalogue_structure"):
        session.connection().execute(update(CatalogueRevision).where(CatalogueRevision.id == 1)
                                     .values(structure_rev=rev))
        session.info["catalogue_structure"] = True


@event.listens_for(Session, "before_flush")
def _stamp_catalogue_changes(session: Session, _context, _instances) -> None:
    touched = [obj for obj in (*session.new, *session.dirty, *session.deleted) if isinstance(obj, TRACKED)]
    if not touched:
        return
    rev = bump(session)
    structure = False
    touch: set[int] = session.info.setdefault("catalogue_touch", set())
    for obj in touched:
        deleted = obj in session.deleted
        if isinstance(obj, OfferSchedule):
            if obj.offer is not None and obj.offer not in session.deleted:
                obj.offer.changed_rev = rev  # the offer's UPDATE carries the stamp (and clears its digest)
                obj.offer.import_digest = None
            elif obj.offer_id is not None:
                touch.add(obj.offer_id)
        elif deleted or isinstance(obj, InterestTerm):
            structure = True
        elif obj in session.new or session.is_modified(obj):
            obj.changed_rev = rev
            if not isinstance(obj, Mentor):
                obj.import_digest = None
    if structure:
        mark_structure_change(session)


@event.listens_for(Session, "after_flush")
def _stamp_schedule_owners(session: Session, _context) -> None:
    touch = session.info.get("catalogue_touch")
    if touch:
        session.connection().execute(update(Offer.__table__).where(Offer.__table__.c.id.in_(sorted(touch)))
                                     .values(changed_rev=session.info["catalogue_rev"], import_digest=None))
        touch.clear()


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _reset(session: Session) -> None:
    for key in _KEYS:
        session.info.pop(key, None)
