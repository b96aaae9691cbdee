"""Min forening → Nyt tilbud: a club adds an offer; key staff approve or refuse it under Ændringer."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from matcher.accounts.models import Role
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import Offer
from matcher.catalogue.new_offers import approve_offer, create_offer, reject_offer
from matcher.web.access import EDITORS, editable_organisation
from matcher.web.auth import roles_required
from matcher.web.club import bp, club_saves, form_context, offer_changes, schedule_rows
from matcher.web.database import form_errors, form_operation, get_session
from matcher.web.search import today


def _new_values(org) -> dict:
    return {"kind": "activity", "status": "active", "place_name": "", "address": org.address or "",
            "postcode": org.postcode or "", "city": org.city or "", "gender": "", "interests": [],
            "fee_support": False}


def _render(org, values: dict, errors: dict, schedules: list, status: int = 200):
    return render_template("club/offer_form.html", offer=None, org=org, values=values, errors=errors,
                           schedules=schedules, version="", **form_context()), status


def _new_offer_refused(exc: RecordError, org_id: int):
    values = offer_changes(request.form)
    values["kind"] = request.form.get("kind", "activity")
    return _render(editable_organisation(org_id), values, form_errors(exc), schedule_rows(None, values["schedules"]), 400)


@bp.route("/forening/<int:org_id>/nyt-tilbud", methods=["GET", "POST"])
@roles_required(*EDITORS)
@form_operation(_new_offer_refused)
def new_offer(org_id: int):
    """Add an offer: a club's new offer waits for key staff's approval, staff's own is public at once."""
    org = editable_organisation(org_id)
    if request.method == "GET":
        return _render(org, _new_values(org), {}, schedule_rows(None, extra=2))
    values = offer_changes(request.form)
    values["kind"] = request.form.get("kind", "activity")
    if request.form.get("more_rows"):
        return _render(org, values, {}, schedule_rows(None, values["schedules"], extra=3))
    review = club_saves()
    offer = create_offer(get_session(), org, values, current_user.user, needs_review=review, today=today())
    if review:
        flash(f"»{offer.title}« er oprettet. Kommunen kigger på det, før det bliver synligt i søgningen.", "info")
    else:
        flash(f"»{offer.title}« er oprettet og synligt i søgningen.", "info")
    if current_user.has_role(Role.club_rep):
        return redirect(url_for("club.mine", _anchor=f"tilbud-{offer.id}"), code=303)
    return redirect(url_for("club.manage", org_id=org.id, _anchor=f"tilbud-{offer.id}"), code=303)


def _approve_refused(exc: RecordError, offer_id: int):
    offer = get_session().get(Offer, offer_id)
    flash(f"»{offer.title}« blev ikke ændret: {exc.message}.", "error")
    return redirect(url_for("changes.index", _anchor="nye-tilbud"), code=303)


@bp.post("/tilbud/<int:offer_id>/godkend")
@roles_required(Role.key_staff, Role.admin)
@form_operation(_approve_refused)
def approve(offer_id: int):
    """Approve a club's new offer (it becomes public) or refuse it with a reason."""
    session = get_session()
    offer = session.get(Offer, offer_id)
    if offer is None:
        return redirect(url_for("changes.index"), code=303)
    if request.form.get("decision") == "reject":
        reject_offer(session, offer, current_user.user, request.form.get("reason", ""))
        message = f"»{offer.title}« er ikke godkendt. Foreningen kan se begrundelsen."
    else:
        approve_offer(session, offer, current_user.user)
        message = f"»{offer.title}« er godkendt og kan nu findes i søgningen."
    flash(message, "info")
    return redirect(url_for("changes.index", _anchor="nye-tilbud"), code=303)
