"""A child's shortlist and the caller's saved searches in the API (the same operations as the pages)."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import Offer
from matcher.shortlists import operations as ops
from matcher.web.access import followed_child, log_child_access
from matcher.web.api import MAX_ID, ApiError, bp, json_body, require_role
from matcher.web.api.children import FOLLOWERS, only, typed
from matcher.web.database import get_session


def item_dict(item) -> dict:
    """Return one shortlist entry with the offer's key facts."""
    offer = item.offer
    return {"id": item.id, "offer_id": offer.id, "title": offer.title, "organisation_name": offer.organisation.name,
            "status": offer.status.value, "source": item.source, "note": item.note,
            "added_at": item.added_at.isoformat()}


@bp.get("/children/<int:child_id>/shortlist")
def get_shortlist(child_id: int):
    """Return the child's shortlist (audited as a look-up of the child)."""
    require_role(*FOLLOWERS)
    child = followed_child(child_id)
    log_child_access(child)
    return jsonify({"results": [item_dict(i) for i in ops.shortlist(get_session(), child)]})


@bp.post("/children/<int:child_id>/shortlist")
def add_to_shortlist(child_id: int):
    """Put an offer on the child's shortlist; 201 when new, 200 when it was there already."""
    require_role(*FOLLOWERS)
    child = followed_child(child_id)
    log_child_access(child)
    body = only(json_body(), {"offer_id", "source", "note"})
    offer_id = typed(body, "offer_id", int, "et helt tal", required=True)
    offer = get_session().get(Offer, offer_id) if 0 < offer_id <= MAX_ID else None
    if offer is None:
        raise ApiError(404, f"Intet tilbud med id {offer_id}", "offer_id")
    item, created = ops.add_to_shortlist(get_session(), child, offer, current_user.user,
                                         source=typed(body, "source", str, "search, match eller offer") or "search",
                                         note=typed(body, "note", str, "tekst"), ip=request.remote_addr)
    return jsonify(item_dict(item)), 201 if created else 200


@bp.delete("/children/<int:child_id>/shortlist/<int:item_id>")
def remove_from_shortlist(child_id: int, item_id: int):
    """Take an offer off the child's shortlist."""
    require_role(*FOLLOWERS)
    child = followed_child(child_id)
    log_child_access(child)
    try:
        ops.remove_from_shortlist(get_session(), child, item_id, current_user.user, ip=request.remote_addr)
    except RecordError as exc:
        raise ApiError(404, exc.message[:1].upper() + exc.message[1:], "item_id") from None
    return "", 204


def saved_dict(saved) -> dict:
    """Return a saved search."""
    return {"id": saved.id, "name": saved.name, "query": saved.query, "created_at": saved.created_at.isoformat()}


@bp.get("/saved-searches")
def list_saved_searches():
    """Return the caller's saved searches."""
    return jsonify({"results": [saved_dict(s) for s in ops.saved_searches(get_session(), current_user.user)]})


@bp.post("/saved-searches")
def save_search():
    """Keep a search (the arguments of GET /offers) under a name; the same name replaces it."""
    body = only(json_body(), {"name", "query"})
    name = typed(body, "name", str, "tekst", required=True)
    query = typed(body, "query", dict, "et objekt med søgningens felter", required=True)
    unknown = sorted(set(query) - set(ops.SEARCH_KEYS))
    if unknown:
        raise ApiError(400, f"ukendt søgefelt {unknown[0]!r}", "query")
    if any(not isinstance(v, (str, int, float, bool)) for v in query.values()):
        raise ApiError(400, "søgefelterne skal være tekst eller tal", "query")
    saved, created = ops.save_search(get_session(), current_user.user, name,
                                     {k: str(v).lower() if isinstance(v, bool) else v for k, v in query.items()})
    return jsonify(saved_dict(saved)), 201 if created else 200


@bp.delete("/saved-searches/<int:search_id>")
def delete_saved_search(search_id: int):
    """Delete one of the caller's saved searches."""
    try:
        ops.delete_saved_search(get_session(), current_user.user, search_id)
    except RecordError as exc:
        raise ApiError(404, exc.message[:1].upper() + exc.message[1:], "search_id") from None
    return "", 204
