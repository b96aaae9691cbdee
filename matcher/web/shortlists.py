"""Kortliste and gemte søgninger: offers kept per child (from search, matching or an offer), searches per user."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import Offer, OfferStatus
from matcher.db import parse_id
from matcher.pathways.models import Child, Referral
from matcher.pathways.queries import visible_children
from matcher.shortlists import operations as ops
from matcher.shortlists.models import SOURCES
from matcher.web.access import followed_child, log_child_access, log_children_listed
from matcher.web.auth import roles_required, safe_next
from matcher.web.children import FOLLOWERS
from matcher.web.database import form_operation, get_session

bp = Blueprint("shortlists", __name__)


def init_app(app: Flask) -> None:
    """Register the shortlist and saved-search blueprint."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(SHORTLIST_SOURCES=SOURCES)


def _back(default: str):
    return redirect(safe_next(request.form.get("next")) or default, code=303)


def _add_refused(exc: RecordError, child_id: int):
    flash(f"Ikke sat på kortlisten: {exc.message}.", "error")
    return _back(url_for("children.page", child_id=child_id, _anchor="kortliste"))


@bp.post("/boern/<int:child_id>/kortliste")
@roles_required(*FOLLOWERS)
@form_operation(_add_refused)
def add(child_id: int):
    """Put an offer on the child's shortlist."""
    child = followed_child(child_id)
    log_child_access(child)
    session = get_session()
    offer = session.get(Offer, parse_id(request.form.get("offer_id", "")) or 0)
    back = url_for("children.page", child_id=child.id, _anchor="kortliste")
    item, created = ops.add_to_shortlist(session, child, offer, current_user.user,
                                         source=request.form.get("source", "search"),
                                         note=request.form.get("note") or None, ip=request.remote_addr)
    flash(f"»{item.offer.title}« står nu på {child.code}s kortliste." if created
          else f"»{item.offer.title}« stod allerede på {child.code}s kortliste.", "info")
    return _back(back)


def _remove_refused(exc: RecordError, child_id: int, item_id: int):
    flash(f"Intet fjernet: {exc.message}.", "error")
    return redirect(url_for("children.page", child_id=child_id, _anchor="kortliste"), code=303)


@bp.post("/boern/<int:child_id>/kortliste/<int:item_id>/fjern")
@roles_required(*FOLLOWERS)
@form_operation(_remove_refused)
def remove(child_id: int, item_id: int):
    """Take an offer off the child's shortlist."""
    child = followed_child(child_id)
    log_child_access(child)
    item = ops.remove_from_shortlist(get_session(), child, item_id, current_user.user, ip=request.remote_addr)
    flash(f"»{item.offer.title}« er fjernet fra kortlisten.", "info")
    return redirect(url_for("children.page", child_id=child.id, _anchor="kortliste"), code=303)


def my_children() -> list[Child]:
    """Return the children the user follows, by code, and log that they were listed."""
    children = get_session().scalars(select(Child).where(visible_children(current_user.user))
                                     .order_by(Child.code)).all()
    log_children_listed([c.id for c in children], "vælg barn til et tilbud")
    return list(children)


@bp.get("/tilbud/<int:offer_id>/henvis")
@roles_required(*FOLLOWERS)
def refer(offer_id: int):
    """Henvis et barn: choose one of your children, then confirm the referral (or keep it on the shortlist)."""
    session = get_session()
    offer = session.get(Offer, offer_id)
    if offer is None or offer.status is OfferStatus.pending:
        abort(404)
    child_id = parse_id(request.args.get("barn", ""))
    if child_id is None:
        return render_template("shortlists/refer.html", offer=offer, child=None, children=my_children(),
                               error=("Vælg et barn" if "barn" in request.args else None)), \
            400 if "barn" in request.args else 200
    child = followed_child(child_id)
    log_child_access(child)
    referred = session.scalar(select(Referral.id).where(Referral.child_id == child.id, Referral.offer_id == offer.id,
                                                        Referral.status != "ended").limit(1))
    return render_template("shortlists/refer.html", offer=offer, child=child, children=None, error=None,
                           referred=referred)


def _search_args() -> dict:
    return {k: v for k, v in request.form.items() if k in ops.SEARCH_KEYS}


def _save_refused(exc: RecordError):
    flash(f"Søgningen er ikke gemt: {exc.message}.", "error")
    args = _search_args()
    return redirect(url_for("search.search_page") + ("?" + urlencode(args) if args else ""), code=303)


@bp.post("/soeg/gem")
@login_required
@form_operation(_save_refused)
def save_search():
    """Keep the current search under a name."""
    saved, created = ops.save_search(get_session(), current_user.user, request.form.get("search_name", ""),
                                     _search_args())
    flash(f"Søgningen »{saved.name}« er gemt." if created else f"Søgningen »{saved.name}« er opdateret.", "info")
    return redirect(url_for("search.search_page", **saved.query), code=303)


def _delete_refused(exc: RecordError, search_id: int):
    flash(f"Intet slettet: {exc.message}.", "error")
    return redirect(url_for("search.search_page"), code=303)


@bp.post("/soeg/gemte/<int:search_id>/slet")
@login_required
@form_operation(_delete_refused)
def delete_search(search_id: int):
    """Delete one of your saved searches."""
    saved = ops.delete_saved_search(get_session(), current_user.user, search_id)
    flash(f"Søgningen »{saved.name}« er slettet.", "info")
    return redirect(url_for("search.search_page"), code=303)
