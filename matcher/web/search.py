"""Søg tilbud: the search page and the offer detail page."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Flask, abort, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher.accounts.models import Role, User
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import WEEKDAYS, District, Offer, OfferStatus
from matcher.catalogue.search import is_stale, parse_query, schedule_texts, search
from matcher.db import parse_id
from matcher.runtime import runtime_of
from matcher.shortlists.operations import SEARCH_KEYS, saved_searches, shortlisted_offer_ids
from matcher.web.access import can_edit_organisation, followed_child, log_child_access
from matcher.web.database import get_session
from matcher.web.mapsvg import base_map, map_pins, project_points

bp = Blueprint("search", __name__)
PAGE_SIZE = 20


def init_app(app: Flask) -> None:
    """Register the search blueprint and the map settings its templates read."""
    app.register_blueprint(bp)

    @app.context_processor
    def map_settings() -> dict:
        settings = runtime_of(current_app).settings
        return {"MAP_TILES": settings.map_tiles, "MAP_ATTRIBUTION": settings.map_attribution}


def today() -> dt.date:
    """Return today's date in Copenhagen by the app's clock (the server may run in UTC)."""
    return runtime_of(current_app).today()


def stale_after_days() -> int:
    """Return the configured number of days after which a listing is shown as stale."""
    return runtime_of(current_app).settings.stale_after_days


@bp.get("/soeg")
@login_required
def search_page():
    """Search offers by text and filters; show a list and a map."""
    session = get_session()
    args = request.args.to_dict()
    args.setdefault("limit", str(PAGE_SIZE))
    error, results, status = None, None, 200
    try:
        results = search(session, parse_query(args), today=today(), stale_after_days=stale_after_days())
    except RecordError as exc:
        error, status = exc, 400
    child = _child_for(request.args.get("barn"))
    districts = session.scalars(select(District).order_by(District.name)).all()
    base = base_map(session)
    shown = results.rows + results.nearby if results else []
    points = project_points(base, shown)
    pins = map_pins(shown, results.query.offset + 1) if results else []
    return render_template("search/search.html", args=request.args, results=results, error=error,
                           districts=districts, weekdays=WEEKDAYS, base=base, points=points, pins=pins,
                           page_size=PAGE_SIZE, child=child, shortlisted=shortlisted_offer_ids(session, child),
                           saved=saved_searches(session, current_user.user),
                           search_args={k: v for k, v in request.args.items() if k in SEARCH_KEYS}), status


def venue_lines(offer: Offer) -> list[str]:
    """Return the offer's place as address lines, each fact once ('Hal, Vej 6' and 'Vej 6' give one line)."""
    town = " ".join(p for p in (offer.postcode, offer.city) if p)
    lines: list[str] = []
    for line in (offer.place_name, offer.address, town):
        line = (line or "").strip()
        if line and not any(line.casefold() in kept.casefold() for kept in lines):
            lines = [kept for kept in lines if kept.casefold() not in line.casefold()] + [line]
    return lines


def club_contacts(organisation_id: int) -> list:
    """Return the organisation's active club representatives (name and e-mail) for staff to contact."""
    if not current_user.has_role(Role.admin, Role.key_staff, Role.contact_person):
        return []
    return list(get_session().scalars(select(User).where(User.organisation_id == organisation_id,
                                                         User.role == Role.club_rep, User.active.is_(True))
                                      .order_by(User.name, User.email)))


def _child_for(raw: str | None):
    """Return the child the search is made for (``barn``: its id), audited; None without one."""
    child_id = parse_id(raw or "")
    if child_id is None or not current_user.has_role(Role.admin, Role.key_staff, Role.contact_person):
        return None
    child = followed_child(child_id)
    log_child_access(child)
    return child


@bp.get("/tilbud/<int:offer_id>")
@login_required
def offer_page(offer_id: int):
    """Show everything about one offer (one awaiting approval only to its club and key staff)."""
    offer = get_session().scalars(
        select(Offer).where(Offer.id == offer_id)
        .options(selectinload(Offer.organisation), selectinload(Offer.schedules), selectinload(Offer.interests),
                 selectinload(Offer.district))).first()
    if offer is None or (offer.status is OfferStatus.pending
                         and not can_edit_organisation(current_user, offer.organisation_id)):
        abort(404)
    base = base_map(get_session())
    return render_template("search/offer.html", offer=offer, times=schedule_texts(offer), venue=venue_lines(offer),
                           contacts=club_contacts(offer.organisation_id),
                           base=base, points=project_points(base, [offer]), pins=map_pins([offer]),
                           stale=is_stale(offer.verified_at, today(), stale_after_days()),
                           can_edit=can_edit_organisation(current_user, offer.organisation_id),
                           can_refer=current_user.has_role(Role.admin, Role.key_staff, Role.contact_person)
                           and offer.status is OfferStatus.active)
