"""Søg tilbud: the search page and the offer detail page."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Flask, abort, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import WEEKDAYS, District, Offer
from matcher.catalogue.search import is_stale, parse_query, schedule_texts, search
from matcher.web.access import can_edit_organisation
from matcher.web.database import get_session
from matcher.web.mapsvg import base_map, project_points

bp = Blueprint("search", __name__)
PAGE_SIZE = 20


def init_app(app: Flask) -> None:
    """Register the search blueprint."""
    app.register_blueprint(bp)


def today() -> dt.date:
    """Return today's date in Copenhagen (the server may run in UTC)."""
    from matcher.clock import local_today

    return local_today()


def stale_after_days() -> int:
    """Return the configured number of days after which a listing is shown as stale."""
    settings = current_app.config.get("MATCHER_SETTINGS")
    return getattr(settings, "stale_after_days", 180)


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
    districts = session.scalars(select(District).order_by(District.name)).all()
    base = base_map(session)
    points = project_points(base, results.rows + results.nearby) if results else []
    return render_template("search/search.html", args=request.args, results=results, error=error,
                           districts=districts, weekdays=WEEKDAYS, base=base, points=points,
                           page_size=PAGE_SIZE), status


@bp.get("/tilbud/<int:offer_id>")
@login_required
def offer_page(offer_id: int):
    """Show everything about one offer."""
    offer = get_session().scalars(
        select(Offer).where(Offer.id == offer_id)
        .options(selectinload(Offer.organisation), selectinload(Offer.schedules), selectinload(Offer.interests),
                 selectinload(Offer.district))).first()
    if offer is None:
        abort(404)
    base = base_map(get_session())
    return render_template("search/offer.html", offer=offer, times=schedule_texts(offer),
                           base=base, points=project_points(base, [offer]),
                           stale=is_stale(offer.verified_at, today(), stale_after_days()),
                           can_edit=can_edit_organisation(current_user, offer.organisation_id))
