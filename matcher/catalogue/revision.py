"""Count catalogue changes, and stamp each changed row, so every process can update its indexes by the changed rows.

Every transaction that writes the catalogue moves the single revision counter once (an UPDATE of
one row, which also serialises catalogue writers, so revisions commit in order) and stamps each
offer, organisation and mentor it writes with that revision (``changed_rev``). An index built at
revision R is brought up to date by reading the rows with ``changed_rev > R``. A deleted offer,
mentor or organisation leaves no row to read, so the deleting transaction logs it in
``catalogue_deletions`` with its revision (an organisation's offers with it: the database deletes
them by cascade); indexes drop the rows logged after R. Changes that cannot be applied row by row
(taxonomy edits) also move ``structure_rev``: indexes older than it are rebuilt.

Rows deleted by a Core ``DELETE`` statement (not ``session.delete``) must be logged by the caller
with ``record_deletions``.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from matcher.catalogue.models import (
    CatalogueDeletion,
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


def record_deletions(session: Session, kind: str, ids: Iterable[int]) -> None:
    """Log rows of ``kind`` (offer, mentor, organisation) deleted in this transaction, for the indexes to drop.

    An organisation's offers are logged with it (the database deletes them by cascade) and its
    mentors are stamped as changed (they lose the organisation's name).
    """
    ids = sorted(set(ids))
    if not ids:
        return
    rev = bump(session)
    conn = session.connection()
    rows = [{"rev": rev, "kind": kind, "row_id": i} for i in ids]
    if kind == "organisation":
        offers = conn.execute(select(Offer.__table__.c.id).where(Offer.__table__.c.organisation_id.in_(ids))).scalars()
        rows += [{"rev": rev, "kind": "offer", "row_id": i} for i in offers]
        conn.execute(update(Mentor.__table__).where(Mentor.__table__.c.organisation_id.in_(ids)).values(changed_rev=rev))
    conn.execute(insert(CatalogueDeletion.__table__), rows)


def deleted_since(session: Session, since: int) -> dict[str, set[int]]:
    """Return the ids of the offers, mentors and organisations deleted after revision ``since``, by kind."""
    out: dict[str, set[int]] = {"offer": set(), "mentor": set(), "organisation": set()}
    for kind, row_id in session.connection().execute(
            select(CatalogueDeletion.kind, CatalogueDeletion.row_id).where(CatalogueDeletion.rev > since)):
        out.setdefault(kind, set()).add(row_id)
    return out


_DELETED_KINDS = {Offer: "offer", Mentor: "mentor", Organisation: "organisation"}


@event.listens_for(Session, "before_flush")
def _stamp_catalogue_changes(session: Session, _context, _instances) -> None:
    touched = [obj for obj in (*session.new, *session.dirty, *session.deleted) if isinstance(obj, TRACKED)]
    if not touched:
        return
    rev = bump(session)
    structure = False
    touch: set[int] = session.info.setdefault("catalogue_touch", set())
    deletions: dict[str, list[int]] = {}
    for obj in touched:
        deleted = obj in session.deleted
        if isinstance(obj, OfferSchedule):
            if obj.offer is not None and obj.offer not in session.deleted:
                obj.offer.changed_rev = rev  # the offer's UPDATE carries the stamp (and clears its digest)
                obj.offer.import_digest = None
            elif obj.offer_id is not None:
                touch.add(obj.offer_id)
        elif isinstance(obj, InterestTerm):
            structure = True
        elif deleted:
            if obj.id is not None:
                deletions.setdefault(_DELETED_KINDS[type(obj)], []).append(obj.id)
        elif obj in session.new or session.is_modified(obj):
            obj.changed_rev = rev
            if not isinstance(obj, Mentor):
                obj.import_digest = None
    for kind, ids in deletions.items():
        record_deletions(session, kind, ids)
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
