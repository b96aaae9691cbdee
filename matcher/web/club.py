"""Min forening: a club keeps its own listings current (key staff and admins may do it on its behalf)."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from matcher.accounts.models import Role
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import WEEKDAYS, Offer, OfferStatus, Organisation
from matcher.catalogue.operations import EditConflict, confirm_offer, update_offer, update_organisation
from matcher.db import parse_id
from matcher.web.access import EDITORS, editable_offer, editable_organisation
from matcher.web.auth import roles_required
from matcher.web.database import get_session
from matcher.web.search import stale_after_days, today

bp = Blueprint("club", __name__)
OFFER_FORM_FIELDS = ("title", "description", "age_min", "age_max", "monthly_fee_dkk", "capacity", "spots_free",
                     "status")
ORG_FORM_FIELDS = ("name", "description", "email", "phone", "website", "address", "postcode", "city")
STATUS_MESSAGES = {"active": "Tilbuddet er åbnet igen.", "paused": "Tilbuddet er sat på pause.",
                   "closed": "Tilbuddet er lukket."}


def init_app(app: Flask) -> None:
    """Register the club blueprint."""
    app.register_blueprint(bp)


def _version(form: MultiDict) -> int | None:
    raw = form.get("version", "")
    return parse_id(raw)


def _back(org_id: int):
    if current_user.has_role(Role.club_rep):
        return redirect(url_for("club.mine"), code=303)
    return redirect(url_for("club.manage", org_id=org_id), code=303)


def _render_org(org: Organisation, status: int = 200, org_errors=None, org_values=None, quick_errors=None):
    from matcher.catalogue.search import is_stale

    now, days = today(), stale_after_days()
    from matcher.clubs.waiting import queue_length
    from matcher.web.clubloop import shared_for_page

    stale = {o.id: is_stale(o.verified_at, now, days) for o in org.offers}
    waiting = {o.id: queue_length(get_session(), o.id) for o in org.offers}
    return render_template("club/organisation.html", org=org, stale=stale, shared=shared_for_page(org.id),
                           waiting=waiting,
                           org_errors=org_errors or {},
                           org_values=org_values or {f: getattr(org, f) for f in ORG_FORM_FIELDS},
                           quick_errors=quick_errors or {}), status


@bp.get("/min-forening")
@roles_required(Role.club_rep)
def mine():
    """Show the club representative's own organisation and its listings."""
    if current_user.organisation_id is None:
        abort(404)
    return _render_org(editable_organisation(current_user.organisation_id))


@bp.get("/forening/<int:org_id>/administrer")
@roles_required(*EDITORS)
def manage(org_id: int):
    """Show an organisation's listings for editing."""
    return _render_org(editable_organisation(org_id))


@bp.post("/forening/<int:org_id>/oplysninger")
@roles_required(*EDITORS)
def save_organisation(org_id: int):
    """Save the organisation's facts."""
    org = editable_organisation(org_id)
    changes = {f: request.form.get(f, "") for f in ORG_FORM_FIELDS}
    try:
        recorded = update_organisation(get_session(), org, changes, current_user.user)
    except RecordError as exc:
        return _render_org(org, 400, org_errors={exc.field: exc.message}, org_values=changes)
    flash("Foreningens oplysninger er gemt." if recorded else "Ingen ændringer at gemme.", "info")
    return _back(org.id)


def _offer_changes(form: MultiDict) -> dict:
    changes = {f: form.get(f, "") for f in OFFER_FORM_FIELDS}
    changes["fee_support"] = bool(form.get("fee_support"))
    rows = int(form.get("schedule_rows", "0") or 0)
    changes["schedules"] = [{"weekdays": form.getlist(f"s{i}_weekdays"), "opens_at": form.get(f"s{i}_opens_at"),
                             "closes_at": form.get(f"s{i}_closes_at")} for i in range(min(rows, 20))]
    return changes


def _offer_values(offer: Offer) -> dict:
    values = {f: getattr(offer, f) for f in OFFER_FORM_FIELDS}
    fee = offer.monthly_fee_dkk
    if fee is not None:
        values["monthly_fee_dkk"] = f"{fee:.0f}" if fee == fee.to_integral_value() else f"{fee:.2f}".replace(".", ",")
    values.update(status=offer.status.value, fee_support=offer.fee_support)
    return values


def _schedule_rows(offer: Offer, submitted: list | None = None) -> list[dict]:
    rows = submitted if submitted is not None else [
        {"weekdays": s.weekdays, "opens_at": s.opens_at.strftime("%H:%M") if s.opens_at else "",
         "closes_at": s.closes_at.strftime("%H:%M") if s.closes_at else ""} for s in offer.schedules]
    return list(rows) + [{"weekdays": [], "opens_at": "", "closes_at": ""}]


@bp.route("/tilbud/<int:offer_id>/rediger", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_offer(offer_id: int):
    """Edit all public facts of one offer."""
    offer = editable_offer(offer_id)
    values = _offer_values(offer)
    errors, status, schedules = {}, 200, _schedule_rows(offer)
    if request.method == "POST":
        changes = _offer_changes(request.form)
        try:
            recorded = update_offer(get_session(), offer, changes, current_user.user, _version(request.form))
        except EditConflict as exc:
            get_session().rollback()
            return _conflict(offer_id, exc)
        except RecordError as exc:
            errors, status = {exc.field: exc.message}, 400
            values, schedules = changes, _schedule_rows(offer, changes["schedules"])
        else:
            flash(f"»{offer.title}« er gemt." if recorded else "Ingen ændringer at gemme.", "info")
            return _back(offer.organisation_id)
    return render_template("club/offer_form.html", offer=offer, values=values, errors=errors,
                           schedules=schedules, weekdays=WEEKDAYS, version=offer.version), status


def _conflict(offer_id: int, exc: EditConflict):
    offer = get_session().get(Offer, offer_id)
    return render_template("club/offer_form.html", offer=offer, values=_offer_values(offer),
                           errors={"version": exc.message},
                           schedules=_schedule_rows(offer), weekdays=WEEKDAYS, version=offer.version), 409


def _quick(offer_id: int, changes: dict, message: str):
    offer = editable_offer(offer_id)
    try:
        update_offer(get_session(), offer, changes, current_user.user, _version(request.form))
    except RecordError as exc:
        if isinstance(exc, EditConflict):
            get_session().rollback()
            offer = get_session().get(Offer, offer_id)
        code = 409 if isinstance(exc, EditConflict) else 400
        return _render_org(offer.organisation, code, quick_errors={offer.id: exc.message})
    flash(message.format(title=offer.title), "info")
    return _back(offer.organisation_id)


@bp.post("/tilbud/<int:offer_id>/ledige-pladser")
@roles_required(*EDITORS)
def save_spots(offer_id: int):
    """Update only the number of free spots."""
    return _quick(offer_id, {"spots_free": request.form.get("spots_free", "")},
                  "Ledige pladser for »{title}« er opdateret.")


@bp.post("/tilbud/<int:offer_id>/status")
@roles_required(*EDITORS)
def save_status(offer_id: int):
    """Pause, close or reopen an offer."""
    editable_offer(offer_id)
    wanted = request.form.get("status", "")
    if wanted not in {s.value for s in OfferStatus}:
        abort(400)
    return _quick(offer_id, {"status": wanted}, STATUS_MESSAGES[wanted].replace("Tilbuddet", "»{title}«"))


@bp.post("/tilbud/<int:offer_id>/bekraeft")
@roles_required(*EDITORS)
def confirm(offer_id: int):
    """Stamp that the listing is still correct."""
    offer = editable_offer(offer_id)
    try:
        confirm_offer(get_session(), offer, current_user.user, today(), _version(request.form))
    except EditConflict as exc:
        get_session().rollback()
        offer = get_session().get(Offer, offer_id)
        return _render_org(offer.organisation, 409, quick_errors={offer.id: exc.message})
    flash(f"Tak! »{offer.title}« er bekræftet som korrekt i dag.", "info")
    return _back(offer.organisation_id)
