"""Ændringer fra foreninger: key staff see who changed which listing fact, and mark changes seen."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import aliased

from matcher.accounts.models import Role, User
from matcher.catalogue.models import District, ListingChange, Offer, Organisation
from matcher.catalogue.new_offers import pending_offers
from matcher.catalogue.operations import mark_changes_reviewed
from matcher.catalogue.search import schedule_texts
from matcher.db import parse_id
from matcher.web.auth import roles_required
from matcher.web.database import get_session

bp = Blueprint("changes", __name__)
SHOWN = 200


def init_app(app: Flask) -> None:
    """Register the listing-changes blueprint."""
    app.register_blueprint(bp)


@bp.get("/aendringer")
@roles_required(Role.key_staff, Role.admin)
def index():
    """List recent listing changes, unseen first, optionally for one district."""
    session = get_session()
    show_all = request.args.get("vis") == "alle"
    slug = request.args.get("bydel", "")
    district = session.scalars(select(District).where(District.slug == slug)).first() if slug else None
    org = aliased(Organisation)
    stmt = (select(ListingChange, Offer, org, User)
            .outerjoin(Offer, Offer.id == ListingChange.offer_id)
            .outerjoin(org, org.id == ListingChange.organisation_id)
            .outerjoin(User, User.id == ListingChange.user_id)
            .order_by(ListingChange.changed_at.desc(), ListingChange.id.desc()).limit(SHOWN))
    if not show_all:
        stmt = stmt.where(ListingChange.reviewed_at.is_(None))
    if district is not None:
        stmt = stmt.where((Offer.district_id == district.id) | (org.district_id == district.id))
    rows = session.execute(stmt).all()
    districts = session.scalars(select(District).order_by(District.name)).all()

    pending = pending_offers(session, district.id if district else None)
    return render_template("changes/index.html", rows=rows, show_all=show_all, district=district,
                           districts=districts, mine=current_user.district_id, pending=pending,
                           schedule_texts=schedule_texts)


@bp.post("/aendringer/set")
@roles_required(Role.key_staff, Role.admin)
def mark_seen():
    """Mark the chosen changes (or all unseen ones) as seen."""
    if request.form.get("alle"):
        ids = None
    else:
        ids = [i for i in map(parse_id, request.form.getlist("change")) if i]
    count = mark_changes_reviewed(get_session(), ids) if ids is None or ids else 0
    flash(f"{count} ændring(er) markeret som set." if count else "Vælg de ændringer, du har set.",
          "info" if count else "error")
    return redirect(url_for("changes.index", **{k: v for k, v in request.args.items()}), code=303)
