"""Keep a child's shortlist and a user's saved searches: authorise, validate, act, audit; flush only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import Offer, OfferStatus
from matcher.catalogue.search import parse_query
from matcher.pathways.checks import check_free_text, require_follow
from matcher.privacy.audit import record
from matcher.shortlists.models import SOURCES, SavedSearch, ShortlistItem

#: The search arguments a saved search keeps (the search page's own fields).
SEARCH_KEYS = ("q", "district", "age", "kind", "weekday", "time", "gender", "free", "fee_support", "postcode",
               "max_km", "sort")
MAX_SAVED = 50
MAX_SHORTLIST = 50


def _check_child(child: Any, user: Any) -> None:
    require_follow(user, child)
    if child.erased_at is not None:
        raise RecordError("kortliste", "child_id", "shortlist.child_erased")


def shortlist(session: Session, child: Any) -> list[ShortlistItem]:
    """Return the child's shortlist, oldest first, with each offer and its organisation."""
    return list(session.scalars(
        select(ShortlistItem).where(ShortlistItem.child_id == child.id)
        .options(selectinload(ShortlistItem.offer).selectinload(Offer.organisation))
        .order_by(ShortlistItem.added_at, ShortlistItem.id)))


def shortlisted_offer_ids(session: Session, child: Any | None) -> set[int]:
    """Return the ids of the offers on the child's shortlist (empty without a child)."""
    if child is None:
        return set()
    return set(session.scalars(select(ShortlistItem.offer_id).where(ShortlistItem.child_id == child.id)))


def add_to_shortlist(session: Session, child: Any, offer: Offer | None, user: Any, *, source: str = "search",
                     note: str | None = None, ip: str | None = None) -> tuple[ShortlistItem, bool]:
    """Put ``offer`` on the child's shortlist (once); return the item and whether it was new. Audited."""
    _check_child(child, user)
    if offer is None or offer.status is OfferStatus.pending:
        raise RecordError("kortliste", "offer_id", "shortlist.offer")
    if source not in SOURCES:
        raise RecordError("kortliste", "source", "shortlist.source")
    note = check_free_text("note", note, "kortliste") or None
    item = session.scalars(select(ShortlistItem).where(ShortlistItem.child_id == child.id,
                                                       ShortlistItem.offer_id == offer.id)).first()
    created = item is None
    if created:
        count = session.scalar(select(func.count(ShortlistItem.id)).where(ShortlistItem.child_id == child.id)) or 0
        if count >= MAX_SHORTLIST:
            raise RecordError("kortliste", "offer_id", "shortlist.full", max=MAX_SHORTLIST)
        item = ShortlistItem(child_id=child.id, offer=offer, added_by_id=getattr(user, "id", None), source=source)
        session.add(item)
    if note is not None:
        item.note = note
    session.flush()
    record(session, user, "update", "shortlist", item.id, child_id=child.id, ip=ip,
           purpose="kortliste: tilføj tilbud" if created else "kortliste: ret note",
           detail={"offer_id": offer.id, "source": source})
    return item, created


def remove_from_shortlist(session: Session, child: Any, item_id: int, user: Any, *,
                          ip: str | None = None) -> ShortlistItem:
    """Take one offer off the child's shortlist. Audited."""
    _check_child(child, user)
    item = session.get(ShortlistItem, item_id)
    if item is None or item.child_id != child.id:
        raise RecordError("kortliste", "item", "shortlist.not_listed")
    offer_id = item.offer_id
    session.delete(item)
    session.flush()
    record(session, user, "update", "shortlist", item_id, child_id=child.id, ip=ip,
           purpose="kortliste: fjern tilbud", detail={"offer_id": offer_id})
    return item


def clean_search_args(args: Mapping[str, Any]) -> dict[str, str]:
    """Return the search arguments worth keeping (non-empty, known); RecordError when the search is invalid."""
    kept = {k: str(args[k]).strip() for k in SEARCH_KEYS if k in args and str(args[k] or "").strip()}
    parse_query(kept)  # a saved search must be one the search page accepts
    if not kept:
        raise RecordError("søgning", "search_name", "saved_search.empty")
    return kept


def save_search(session: Session, user: Any, name: str, args: Mapping[str, Any]) -> tuple[SavedSearch, bool]:
    """Keep the search under ``name`` for ``user`` (the same name replaces it); return it and whether it was new."""
    name = " ".join(str(name or "").split())
    if not name:
        raise RecordError("søgning", "search_name", "saved_search.name")
    if len(name) > 80:
        raise RecordError("søgning", "search_name", "saved_search.name_too_long")
    check_free_text("search_name", name, "søgning")
    query = clean_search_args(args)
    saved = session.scalars(select(SavedSearch).where(SavedSearch.user_id == user.id,
                                                      SavedSearch.name == name)).first()
    created = saved is None
    if created:
        count = session.scalar(select(func.count(SavedSearch.id)).where(SavedSearch.user_id == user.id)) or 0
        if count >= MAX_SAVED:
            raise RecordError("søgning", "search_name", "saved_search.full", max=MAX_SAVED)
        saved = SavedSearch(user_id=user.id, name=name)
        session.add(saved)
    saved.query = query
    session.flush()
    return saved, created


def saved_searches(session: Session, user: Any) -> list[SavedSearch]:
    """Return the user's saved searches by name."""
    return list(session.scalars(select(SavedSearch).where(SavedSearch.user_id == user.id)
                                .order_by(SavedSearch.name)))


def delete_saved_search(session: Session, user: Any, search_id: int) -> SavedSearch:
    """Delete one of the user's own saved searches."""
    saved = session.get(SavedSearch, search_id)
    if saved is None or saved.user_id != user.id:
        raise RecordError("søgning", "saved", "saved_search.gone")
    session.delete(saved)
    session.flush()
    return saved
