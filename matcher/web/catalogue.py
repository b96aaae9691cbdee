"""Catalogue pages: the districts, their offers, their key staff and an overview for key staff."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, render_template
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from matcher.accounts.models import Role, User
from matcher.catalogue.models import District, Offer, OfferStatus, Organisation
from matcher.catalogue.search import is_stale
from matcher.web import labels
from matcher.web.auth import roles_required
from matcher.web.database import get_session
from matcher.web.search import stale_after_days, today

bp = Blueprint("catalogue", __name__)


def init_app(app: Flask) -> None:
    """Register the catalogue blueprint and the Danish template labels."""
    labels.init_app(app)
    app.register_blueprint(bp)


def _district_or_404(slug: str) -> District:
    district = get_session().scalars(select(District).where(District.slug == slug)).first()
    if district is None:
        abort(404)
    return district


def key_staff(district: District) -> list[User]:
    """Return the active key staff with local knowledge of ``district``."""
    return get_session().scalars(
        select(User).where(User.role == Role.key_staff, User.district_id == district.id, User.active.is_(True))
        .order_by(User.name, User.email)).all()


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
    """List the offers of one district, grouped by organisation, and who to ask locally."""
    session = get_session()
    district = _district_or_404(slug)
    offers = session.scalars(
        select(Offer).where(Offer.district_id == district.id, Offer.status != OfferStatus.pending)
        .options(selectinload(Offer.organisation), selectinload(Offer.interests), selectinload(Offer.schedules))
        .join(Organisation).order_by(Organisation.name, Offer.title)).all()
    staff = key_staff(district) if current_user.is_authenticated else []
    return render_template("catalogue/district.html", district=district, offers=offers, staff=staff)


@bp.get("/bydel/<slug>/overblik")
@roles_required(Role.key_staff, Role.admin)
def overview(slug: str):
    """Show key staff the state of a district's listings: counts, free spots and stale listings."""
    session = get_session()
    district = _district_or_404(slug)
    offers = session.scalars(
        select(Offer).where(Offer.district_id == district.id)
        .options(selectinload(Offer.organisation)).order_by(Offer.verified_at.is_(None).desc(), Offer.verified_at)
    ).all()
    now, days = today(), stale_after_days()
    active = [o for o in offers if o.status is OfferStatus.active]
    by_kind: dict[str, int] = {}
    for o in active:
        by_kind[o.kind.value] = by_kind.get(o.kind.value, 0) + 1
    stale = [o for o in offers if o.status is not OfferStatus.closed and is_stale(o.verified_at, now, days)]
    stats = {
        "total": len(offers), "active": len(active),
        "paused": sum(o.status is OfferStatus.paused for o in offers),
        "closed": sum(o.status is OfferStatus.closed for o in offers),
        "spots": sum(o.spots_free or 0 for o in active),
        "with_spots": sum(1 for o in active if (o.spots_free or 0) > 0),
        "organisations": len({o.organisation_id for o in offers}),
        "stale": len(stale),
    }
    return render_template("catalogue/overview.html", district=district, stats=stats, by_kind=by_kind,
                           stale=stale, stale_days=days, staff=key_staff(district))
