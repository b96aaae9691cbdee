"""The club's side of a shared referral in Min forening, the one-click listing link and waiting lists."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from matcher.accounts.models import Role
from matcher.catalogue.errors import RecordError
from matcher.clubs import operations as club_ops
from matcher.clubs import waiting
from matcher.clubs.freshness import confirm_by_link, link_organisation, stale_offers
from matcher.clubs.models import CLUB_ANSWERS
from matcher.clubs.operations import audit_club_lookup
from matcher.db import parse_id
from matcher.pathways.checks import NotAllowed
from matcher.pathways.models import Participation
from matcher.web.access import followed_referral, log_child_access
from matcher.web.auth import roles_required
from matcher.web.children import FOLLOWERS, parse_date
from matcher.web.database import form_errors, form_operation, get_session
from matcher.web.referrals import shared_referrals
from matcher.web.search import stale_after_days, today

bp = Blueprint("clubloop", __name__)


def init_app(app: Flask) -> None:
    """Register the blueprint and the template helpers the child and referral pages use."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(club_answer_for=club_answer_for, waiting_entry_for=waiting_entry_for,
                                 CLUB_ANSWERS=CLUB_ANSWERS)


def club_answer_for(referral):
    """Return the club's latest answer to ``referral`` (for the staff pages)."""
    return club_ops.latest_answer(get_session(), referral.id)


def waiting_entry_for(referral):
    """Return the referral's open waiting-list entry (for the staff pages)."""
    return waiting.waiting_entry(get_session(), referral)


def shared_for_page(organisation_id: int) -> list:
    """Return (referral, latest answer) pairs shared with the organisation for Min forening, each audited."""
    session = get_session()
    if current_user.has_role(Role.club_rep):
        rows = club_ops.club_referrals(session, current_user.user, ip=request.remote_addr,
                                       purpose="Min forening: delte henvisninger")
    else:  # key staff or an administrator working on the club's behalf
        rows = shared_referrals(organisation_id)
        for referral in rows:
            audit_club_lookup(session, current_user.user, referral, "foreningens side: delte henvisninger",
                              request.remote_addr)
    answers = club_ops.latest_answers(session, [r.id for r in rows])
    return [(referral, answers.get(referral.id)) for referral in rows]


def _club_referral(referral_id: int, purpose: str):
    try:
        return club_ops.club_referral(get_session(), current_user.user, referral_id, ip=request.remote_addr,
                                      purpose=purpose)
    except club_ops.ClubReferralNotFound:
        abort(404)
    except NotAllowed:
        abort(403)


def _render(referral, status: int = 200, errors: dict | None = None, form: str = "", values: dict | None = None):
    session = get_session()
    entries = session.scalars(select(Participation).where(Participation.referral_id == referral.id,
                                                          Participation.logged_by_club.is_(True))
                              .order_by(Participation.date.desc(), Participation.id.desc())).all()
    return render_template("clubloop/referral.html", referral=referral,
                           answer=club_ops.latest_answer(session, referral.id),
                           others=[(o.id, o.title) for o in club_ops.other_offers(session, referral)], entries=entries, today=today(),
                           errors=errors or {}, form=form, values=values or {}), status


@bp.get("/min-forening/henvisning/<int:referral_id>")
@roles_required(Role.club_rep)
def referral_page(referral_id: int):
    """Show a shared referral to the club: the shared first name and note, the answer and attendance forms."""
    return _render(_club_referral(referral_id, "Min forening: se delt henvisning"))


ANSWER_FIELDS = ("answer", "first_session_on", "met_by", "message", "suggested_offer_id")
ATTENDANCE_FIELDS = ("date", "attended", "note")


def _refused(form: str, fields: tuple[str, ...], purpose: str):
    """Return an error renderer: the referral page again with the refused ``form`` and its field named."""
    def render(exc: RecordError, referral_id: int):
        values = {k: request.form.get(k, "") for k in fields}
        return _render(_club_referral(referral_id, purpose), 400, form_errors(exc), form, values)
    return render


@bp.post("/min-forening/henvisning/<int:referral_id>/svar")
@roles_required(Role.club_rep)
@form_operation(_refused("answer", ANSWER_FIELDS, "Min forening: svar på henvisning"))
def answer(referral_id: int):
    """Answer the referral: Velkommen with the first session, or Ingen plads."""
    referral = _club_referral(referral_id, "Min forening: svar på henvisning")
    values = {k: request.form.get(k, "") for k in ANSWER_FIELDS}
    suggested = values["suggested_offer_id"].strip()
    if suggested and parse_id(suggested) is None:
        raise RecordError("henvisning", "suggested_offer_id", "club.suggested_offer")
    welcome = values["answer"] == "welcome"
    club_ops.answer_referral(
        get_session(), current_user.user, referral, answer=values["answer"] or None,
        first_session_on=parse_date(values["first_session_on"], "first_session_on", "henvisning") if welcome
        else None, met_by=values["met_by"].strip() or None if welcome else None,
        message=values["message"].strip() or None,
        suggested_offer_id=parse_id(suggested) if suggested and not welcome else None, today=today(),
        ip=request.remote_addr)
    flash("Tak for svaret. Kontaktpersonen får besked." if values["answer"] == "no_room" else
          "Tak! Kontaktpersonen får besked om datoen for første gang.", "info")
    return redirect(url_for("clubloop.referral_page", referral_id=referral.id), code=303)


@bp.post("/min-forening/henvisning/<int:referral_id>/fremmoede")
@roles_required(Role.club_rep)
@form_operation(_refused("attendance", ATTENDANCE_FIELDS, "Min forening: registrér fremmøde"))
def attendance(referral_id: int):
    """Log that the child came or did not come on a date."""
    referral = _club_referral(referral_id, "Min forening: registrér fremmøde")
    values = {k: request.form.get(k, "") for k in ATTENDANCE_FIELDS}
    if values["attended"] not in ("1", "0"):
        raise RecordError("deltagelse", "attended", "club.attended_button")
    entry = club_ops.log_attendance(
        get_session(), current_user.user, referral,
        date=parse_date(values["date"], "date", "deltagelse") or today(), attended=values["attended"] == "1",
        note=values["note"].strip() or None, today=today(), ip=request.remote_addr)
    flash(f"Registreret: {'Kom' if entry.attended else 'Kom ikke'} den {entry.date.day}/{entry.date.month}.", "info")
    return redirect(url_for("clubloop.referral_page", referral_id=referral.id), code=303)


def _link_refused(exc: RecordError, token: str):
    return render_template("clubloop/link_error.html", message=exc.message), 410


@bp.route("/bekraeft-tilbud/<token>", methods=["GET", "POST"])
@form_operation(_link_refused)
def confirm_listings(token: str):
    """Confirm a club's stale listings from the mailed single-use link (GET shows them, POST confirms)."""
    session = get_session()
    org = link_organisation(session, token)
    offers = stale_offers(session, org.id, today(), stale_after_days())
    if request.method == "POST":
        confirmed = confirm_by_link(session, token, today(), stale_after_days(), ip=request.remote_addr)
        return render_template("clubloop/confirmed.html", org=org, offers=confirmed)
    return render_template("clubloop/confirm.html", org=org, offers=offers, token=token)


def _waiting_refused(exc: RecordError, referral_id: int):
    flash(exc.message[:1].upper() + exc.message[1:] + ".", "error")
    return redirect(url_for("referrals.page", referral_id=referral_id), code=303)


@bp.post("/henvisning/<int:referral_id>/venteliste")
@roles_required(*FOLLOWERS)
@form_operation(_waiting_refused)
def waiting_list(referral_id: int):
    """Put the referred child on the offer's waiting list, or take it off."""
    referral = followed_referral(referral_id)
    log_child_access(referral.child)
    if request.form.get("action") == "remove":
        waiting.remove_from_waiting_list(get_session(), referral, current_user.user)
        flash("Barnet er taget af ventelisten.", "info")
    else:
        waiting.put_on_waiting_list(get_session(), referral, current_user.user)
        flash("Barnet står nu på venteliste. Du får en mail, så snart foreningen melder en ledig plads.", "info")
    return redirect(url_for("referrals.page", referral_id=referral_id), code=303)
