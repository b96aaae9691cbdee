"""Public catalogue pages: the offers of each district."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from matcher.catalogue.models import District, Offer, OfferStatus, Organisation
from matcher.web.database import get_session

bp = Blueprint("catalogue", __name__)


def init_app(app: Flask) -> None:
    """Register the catalogue blueprint."""
    app.register_blueprint(bp)


@bp.get("/")
def index():
    """List the districts with how many active offers each has."""
    session = get_session()
    counts = dict(session.execute(
        select(Offer.district_id, func.count(Offer.id))
        .where(Offer.status == OfferStatus.active).group_by(Offer.district_id)).all())
    districts = session.scalars(select(District).order_by(District.number)).all()
    return render_template("catalogue/index.html", districts=districts, counts=counts,
                           outside=counts.get(None, 0))


@bp.get("/bydel/<slug>")
def district(slug: str):
    """List the offers of one district, grouped by organisation."""
    session = get_session()
    district = session.scalars(select(District).where(District.slug == slug)).first()
    if district is None:
        abort(404)
    offers = session.scalars(
        select(Offer).where(Offer.district_id == district.id)
        .options(selectinload(Offer.organisation), selectinload(Offer.interests), selectinload(Offer.schedules))
        .join(Organisation).order_by(Organisation.name, Offer.title)).all()
    return render_template("catalogue/district.html", district=district, offers=offers)
