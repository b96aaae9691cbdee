"""Min forening: a club keeps its own listings current (key staff and admins may do it on its behalf)."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from matcher.accounts.models import Role
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import WEEKDAYS, InterestTerm, ListingChange, Offer, OfferStatus, Organisation
from matcher.catalogue.operations import (
    MAX_SCHEDULES,
    EditConflict,
    confirm_offer,
    update_offer,
    update_organisation,
)
from matcher.catalogue.search import is_stale
from matcher.clubs.waiting import queue_length
from matcher.db import parse_id
from matcher.web.access import EDITORS, editable_offer, editable_organisation
from matcher.web.auth import roles_required
from matcher.web.clubloop import shared_for_page
from matcher.web.database import form_errors, form_operation, get_session
from matcher.web.labels import INTEREST_GROUP_NAMES
from matcher.web.search import stale_after_days, today

bp = Blueprint("club", __name__)
OFFER_FORM_FIELDS = ("title", "description", "age_min", "age_max", "monthly_fee_dkk", "capacity", "spots_free",
                     "status", "gender", "place_name", "address", "postcode", "city")
ORG_FORM_FIELDS = ("name", "description", "email", "phone", "website", "address", "postcode", "city")
STATUS_MESSAGES = {"active": "Tilbuddet er åbnet igen.", "paused": "Tilbuddet er sat på pause.",
                   "closed": "Tilbuddet er lukket."}


def init_app(app: Flask) -> None:
    """Register the club blueprint (``club_offers`` adds its new-offer views to it before)."""
    app.register_blueprint(bp)


def club_saves() -> bool:
    """Return whether the current user saves as the club itself (a save then confirms the listing)."""
    return current_user.has_role(Role.club_rep)


def _version(form: MultiDict) -> int | None:
    raw = form.get("version", "")
    return parse_id(raw)


def _back(org_id: int):
    if current_user.has_role(Role.club_rep):
        return redirect(url_for("club.mine"), code=303)
    return redirect(url_for("club.manage", org_id=org_id), code=303)


def _render_org(org: Organisation, status: int = 200, org_errors=None, org_values=None, quick_errors=None):
    now, days = today(), stale_after_days()

    stale = {o.id: is_stale(o.verified_at, now, days) for o in org.offers}
    waiting = {o.id: queue_length(get_session(), o.id) for o in org.offers}
    return render_template("club/organisation.html", org=org, stale=stale, shared=shared_for_page(org.id),
                           waiting=waiting, review_notes=review_notes(org),
                           org_errors=org_errors or {},
                           org_values=org_values or {f: getattr(org, f) for f in ORG_FORM_FIELDS},
                           quick_errors=quick_errors or {}), status


def review_notes(org: Organisation) -> dict[int, str]:
    """Return, per refused offer of ``org``, key staff's reason (the latest)."""
    refused = [o.id for o in org.offers if o.status is OfferStatus.closed]
    if not refused:
        return {}
    rows = get_session().execute(select(ListingChange.offer_id, ListingChange.new_value)
                                 .where(ListingChange.offer_id.in_(refused), ListingChange.field == "review_note")
                                 .order_by(ListingChange.id)).all()
    return {offer_id: note for offer_id, note in rows}


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


def _organisation_refused(exc: RecordError, org_id: int):
    changes = {f: request.form.get(f, "") for f in ORG_FORM_FIELDS}
    return _render_org(editable_organisation(org_id), 400, org_errors=form_errors(exc), org_values=changes)


@bp.post("/forening/<int:org_id>/oplysninger")
@roles_required(*EDITORS)
@form_operation(_organisation_refused)
def save_organisation(org_id: int):
    """Save the organisation's facts."""
    org = editable_organisation(org_id)
    changes = {f: request.form.get(f, "") for f in ORG_FORM_FIELDS}
    recorded = update_organisation(get_session(), org, changes, current_user.user)
    flash("Foreningens oplysninger er gemt." if recorded else "Ingen ændringer at gemme.", "info")
    return _back(org.id)


def offer_changes(form: MultiDict) -> dict:
    """Return the offer form's values as operation input (schedules as a list, interests as codes)."""
    changes = {f: form.get(f, "") for f in OFFER_FORM_FIELDS if f in form or f in ("title", "description")}
    changes["fee_support"] = bool(form.get("fee_support"))
    if form.get("interests_shown"):  # the checkboxes were on the form: none ticked means none
        changes["interests"] = form.getlist("interests")
    rows = parse_id(form.get("schedule_rows", "")) or 0  # a hidden count; nonsense counts as none
    changes["schedules"] = [{"weekdays": form.getlist(f"s{i}_weekdays"), "opens_at": form.get(f"s{i}_opens_at"),
                             "closes_at": form.get(f"s{i}_closes_at")} for i in range(min(rows, MAX_SCHEDULES))]
    return changes


def offer_values(offer: Offer) -> dict:
    """Return the form values of an existing offer."""
    values = {f: getattr(offer, f) for f in OFFER_FORM_FIELDS}
    fee = offer.monthly_fee_dkk
    if fee is not None:
        values["monthly_fee_dkk"] = f"{fee:.0f}" if fee == fee.to_integral_value() else f"{fee:.2f}".replace(".", ",")
    values.update(status=offer.status.value, fee_support=offer.fee_support,
                  gender=offer.gender.value if offer.gender else "", interests=[t.code for t in offer.interests])
    return values


def schedule_rows(offer: Offer | None, submitted: list | None = None, extra: int = 1) -> list[dict]:
    """Return the schedule rows to show: the offer's or the submitted ones, plus empty rows up to the maximum."""
    rows = submitted if submitted is not None else [
        {"weekdays": s.weekdays, "opens_at": s.opens_at.strftime("%H:%M") if s.opens_at else "",
         "closes_at": s.closes_at.strftime("%H:%M") if s.closes_at else ""} for s in (offer.schedules if offer else [])]
    rows = [r for r in rows if r["weekdays"] or r["opens_at"] or r["closes_at"]]
    free = max(0, min(extra, MAX_SCHEDULES - len(rows)))
    return list(rows) + [{"weekdays": [], "opens_at": "", "closes_at": ""} for _ in range(free)]


def form_context() -> dict:
    """Return what the offer form needs besides the values: weekdays and the taxonomy by group."""
    terms = get_session().scalars(select(InterestTerm).where(InterestTerm.needs_mapping.is_(False))
                                  .order_by(InterestTerm.group, InterestTerm.name)).all()
    order = {g: i for i, g in enumerate(INTEREST_GROUP_NAMES)}
    groups: dict[str, list] = {}
    for t in sorted(terms, key=lambda t: (order.get(t.group or "andet", len(order)), t.name)):
        groups.setdefault(t.group or "andet", []).append(t)
    return {"weekdays": WEEKDAYS, "term_groups": groups, "group_names": INTEREST_GROUP_NAMES,
            "max_schedules": MAX_SCHEDULES}


def _offer_refused(exc: RecordError, offer_id: int):
    if isinstance(exc, EditConflict):
        return _conflict(offer_id, exc)
    offer = editable_offer(offer_id)
    changes = offer_changes(request.form)
    return render_template("club/offer_form.html", offer=offer, values=changes, errors=form_errors(exc),
                           schedules=schedule_rows(offer, changes["schedules"]), version=offer.version,
                           **form_context()), 400


@bp.route("/tilbud/<int:offer_id>/rediger", methods=["GET", "POST"])
@roles_required(*EDITORS)
@form_operation(_offer_refused)
def edit_offer(offer_id: int):
    """Edit all public facts of one offer."""
    offer = editable_offer(offer_id)
    if request.method == "POST" and request.form.get("more_rows"):  # "Tilføj flere mødetider": show more, save nothing
        changes = offer_changes(request.form)
        return render_template("club/offer_form.html", offer=offer, values=changes, errors={}, version=offer.version,
                               schedules=schedule_rows(offer, changes["schedules"], extra=3), **form_context())
    if request.method == "POST":
        changes = offer_changes(request.form)
        if offer.status.value == "pending":
            changes.pop("status", None)
        recorded = update_offer(get_session(), offer, changes, current_user.user, _version(request.form),
                                confirms=club_saves(), today=today())
        if club_saves():
            flash(f"»{offer.title}« er gemt og bekræftet som korrekt i dag.", "info")
        else:
            flash(f"»{offer.title}« er gemt." if recorded else "Ingen ændringer at gemme.", "info")
        return _back(offer.organisation_id)
    return render_template("club/offer_form.html", offer=offer, values=offer_values(offer), errors={},
                           schedules=schedule_rows(offer), version=offer.version, **form_context())


def _conflict(offer_id: int, exc: EditConflict):
    offer = get_session().get(Offer, offer_id)
    return render_template("club/offer_form.html", offer=offer, values=offer_values(offer),
                           errors={"version": exc.message},
                           schedules=schedule_rows(offer), version=offer.version, **form_context()), 409


def _quick(offer_id: int, changes: dict, message: str):
    offer = editable_offer(offer_id)
    update_offer(get_session(), offer, changes, current_user.user, _version(request.form), confirms=club_saves(),
                 today=today())
    flash(message.format(title=offer.title), "info")
    return _back(offer.organisation_id)


def _quick_refused(exc: RecordError, offer_id: int):
    """Show the organisation's page again with the refused quick change named at its offer."""
    offer = get_session().get(Offer, offer_id)
    code = 409 if isinstance(exc, EditConflict) else 400
    return _render_org(offer.organisation, code, quick_errors={offer.id: exc.message})


@bp.post("/tilbud/<int:offer_id>/ledige-pladser")
@roles_required(*EDITORS)
@form_operation(_quick_refused)
def save_spots(offer_id: int):
    """Update only the number of free spots."""
    return _quick(offer_id, {"spots_free": request.form.get("spots_free", "")},
                  "Ledige pladser for »{title}« er opdateret.")


@bp.post("/tilbud/<int:offer_id>/status")
@roles_required(*EDITORS)
@form_operation(_quick_refused)
def save_status(offer_id: int):
    """Pause, close or reopen an offer."""
    editable_offer(offer_id)
    wanted = request.form.get("status", "")
    if wanted not in {s.value for s in OfferStatus}:
        abort(400)
    return _quick(offer_id, {"status": wanted}, STATUS_MESSAGES[wanted].replace("Tilbuddet", "»{title}«"))


@bp.post("/tilbud/<int:offer_id>/bekraeft")
@roles_required(*EDITORS)
@form_operation(_quick_refused)
def confirm(offer_id: int):
    """Stamp that the listing is still correct."""
    offer = editable_offer(offer_id)
    confirm_offer(get_session(), offer, current_user.user, today(), _version(request.form))
    flash(f"Tak! »{offer.title}« er bekræftet som korrekt i dag.", "info")
    return _back(offer.organisation_id)
