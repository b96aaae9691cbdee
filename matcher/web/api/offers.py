"""Offer endpoints of the API: search, read, change and confirm."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher.accounts.models import Role
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import Offer, OfferStatus, Organisation
from matcher.catalogue.new_offers import approve_offer, create_offer, reject_offer
from matcher.catalogue.operations import EditConflict, confirm_offer, update_offer
from matcher.catalogue.search import parse_query, search
from matcher.web.access import can_edit_organisation
from matcher.web.api import ApiError, bp, district_ref, json_body, page_params, require_role
from matcher.web.api.serialise import offer_dict
from matcher.web.database import get_session
from matcher.web.search import stale_after_days, today

OFFER_CREATE_FIELDS = ("kind", "title", "description", "age_min", "age_max", "gender", "monthly_fee_dkk",
                       "fee_support", "capacity", "spots_free", "status", "schedules", "interests", "place_name",
                       "address", "postcode", "city")
SEARCH_ARGS = ("q", "district", "age", "kind", "weekday", "free", "fee_support", "postcode", "max_km", "gender",
               "time", "sort")


@bp.get("/me")
def me():
    """Return who the token belongs to."""
    return jsonify({"id": current_user.id, "email": current_user.email, "role": current_user.role.value,
                    "organisation_id": current_user.organisation_id})


def _load(offer_id: int) -> Offer:
    offer = get_session().scalars(
        select(Offer).where(Offer.id == offer_id)
        .options(selectinload(Offer.organisation), selectinload(Offer.schedules), selectinload(Offer.interests),
                 selectinload(Offer.district))).first()
    if offer is None or (offer.status is OfferStatus.pending
                         and not can_edit_organisation(current_user, offer.organisation_id)):
        raise ApiError(404, f"Intet tilbud med id {offer_id}")
    return offer


def _editable(offer_id: int) -> Offer:
    require_role(Role.admin, Role.key_staff, Role.club_rep)
    offer = _load(offer_id)
    if not can_edit_organisation(current_user, offer.organisation_id):
        raise ApiError(403, "Du kan kun ændre din egen forenings tilbud")
    return offer


@bp.get("/offers")
def list_offers():
    """Search offers with the same filters as the search page."""
    limit, offset = page_params()
    district_ref()
    args = {k: request.args[k] for k in SEARCH_ARGS if k in request.args}
    try:
        results = search(get_session(), parse_query(dict(args, limit=limit, offset=offset)), today=today(),
                         stale_after_days=stale_after_days())
    except RecordError as exc:
        raise ApiError(400, exc.message, exc.field, exc.code) from None
    return jsonify({"results": [r.as_dict() for r in results.rows], "total": results.total,
                    "limit": limit, "offset": offset, "interests": results.interests,
                    "nearby": [r.as_dict() for r in results.nearby], "nearby_summary": results.nearby_summary(),
                    "distance_from": results.origin_label})


@bp.get("/offers/<int:offer_id>")
def get_offer(offer_id: int):
    """Return one offer."""
    return jsonify(offer_dict(_load(offer_id), stale_after_days(), today()))


def _expected_version(body: dict) -> int | None:
    version = body.pop("version", None)
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise ApiError(400, "version skal være et helt tal", "version")
    return version


@bp.patch("/offers/<int:offer_id>")
def patch_offer(offer_id: int):
    """Change an offer's public facts; ``version`` guards against overwriting someone else's edit."""
    offer = _editable(offer_id)
    body = json_body()
    version = _expected_version(body)
    if not body:
        raise ApiError(400, "Ingen felter at ændre", "body")
    try:
        changes = update_offer(get_session(), offer, body, current_user.user, version,
                               confirms=current_user.has_role(Role.club_rep), today=today())
    except EditConflict as exc:
        raise ApiError(409, exc.message, "version", exc.code) from None
    return jsonify(dict(offer_dict(offer, stale_after_days(), today()), changed=[c.field for c in changes]))


@bp.post("/offers/<int:offer_id>/confirm")
def confirm(offer_id: int):
    """Stamp that the listing is still correct (verified_at = today)."""
    offer = _editable(offer_id)
    body = json_body() if request.get_data(cache=True) else {}
    try:
        confirm_offer(get_session(), offer, current_user.user, today(), _expected_version(body))
    except EditConflict as exc:
        raise ApiError(409, exc.message, "version", exc.code) from None
    return jsonify(offer_dict(offer, stale_after_days(), today()))


@bp.post("/organisations/<int:organisation_id>/offers")
def create_organisation_offer(organisation_id: int):
    """Add an offer; a club representative's waits for key staff's approval (status ``pending``)."""
    require_role(Role.admin, Role.key_staff, Role.club_rep)
    org = get_session().get(Organisation, organisation_id)
    if org is None:
        raise ApiError(404, f"Ingen forening med id {organisation_id}")
    if not can_edit_organisation(current_user, org.id):
        raise ApiError(403, "Du kan kun oprette tilbud i din egen forening")
    body = json_body()
    unknown = sorted(set(body) - set(OFFER_CREATE_FIELDS))
    if unknown:
        raise ApiError(400, f"ukendt felt {unknown[0]!r}", unknown[0])
    offer = create_offer(get_session(), org, body, current_user.user,
                         needs_review=current_user.has_role(Role.club_rep), today=today())
    return jsonify(offer_dict(_load(offer.id), stale_after_days(), today())), 201


@bp.post("/offers/<int:offer_id>/review")
def review_offer(offer_id: int):
    """Approve a club's new offer (``decision: approve``) or refuse it with a ``reason`` (key staff, admin)."""
    require_role(Role.admin, Role.key_staff)
    offer = _load(offer_id)
    body = json_body()
    decision = body.get("decision")
    if decision not in ("approve", "reject"):
        raise ApiError(400, "decision skal være approve eller reject", "decision")
    if decision == "approve":
        approve_offer(get_session(), offer, current_user.user)
    else:
        reason = body.get("reason")
        if not isinstance(reason, str):
            raise ApiError(400, "reason skal være en tekst til foreningen", "reason")
        reject_offer(get_session(), offer, current_user.user, reason)
    return jsonify(offer_dict(offer, stale_after_days(), today()))
