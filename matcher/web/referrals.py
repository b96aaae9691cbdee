"""Henvisninger og deltagelse: follow a referral, share with the club with consent, log sessions."""

from __future__ import annotations

import uuid

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_login import current_user
from sqlalchemy import select

from matcher import jsonio
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import Mentor, Offer
from matcher.clubs.operations import share_referral
from matcher.db import parse_id
from matcher.pathways import operations as ops
from matcher.pathways.models import (
    ACCOMPANIED_BY,
    END_REASONS,
    MAX_KEY_LENGTH,
    REFERRAL_STATUSES,
    Participation,
    Referral,
)
from matcher.pathways.idempotency import KeyReused, once
from matcher.pathways.referral_operations import ORDER
from matcher.web.access import followed_child, followed_referral, log_child_access
from matcher.web.auth import roles_required, safe_next
from matcher.web.children import FOLLOWERS, parse_date
from matcher.web.database import form_errors, form_operation, get_session
from matcher.web.labels import error_sentence
from matcher.web.search import today

bp = Blueprint("referrals", __name__)
LOG_FORM_REUSED = ("Formularen var allerede sendt med andre valg, så intet er registreret denne gang. "
                   "Se barnets registreringer, og send igen, hvis der mangler en.")
STATUS_FORM_REUSED = ("Formularen var allerede sendt med andre valg, så intet er ændret. "
                      "Se den nuværende status herunder, og vælg igen.")


def init_app(app: Flask) -> None:
    """Register the referrals blueprint."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(REFERRAL_STATUSES=REFERRAL_STATUSES, END_REASONS=END_REASONS,
                                 ACCOMPANIED_BY=ACCOMPANIED_BY)


def target_name(referral: Referral) -> str:
    """Return what the child was referred to: the offer's title or 'Mentor: name'."""
    return referral.offer.title if referral.offer else f"Mentor: {referral.mentor.name}"


def _render_referral(referral: Referral, status: int = 200, errors: dict | None = None, form: str = "",
                     values: dict | None = None):
    later = ORDER[ORDER.index(referral.status) + 1:]
    values = values or {}
    # The status form's key: a failed attempt keeps its key (nothing was stored), a new page gets a new one.
    key = (values.get("idempotency_key") if form == "status" else None) or uuid.uuid4().hex
    return render_template("referrals/referral.html", referral=referral, child=referral.child,
                           name=target_name(referral), later=later, today=today(), errors=errors or {},
                           form=form, values=values, status_key=key), status


@bp.get("/henvisning/<int:referral_id>")
@roles_required(*FOLLOWERS)
def page(referral_id: int):
    """Show a referral: its status history, the status change and what is shared with the club."""
    referral = followed_referral(referral_id)
    log_child_access(referral.child)
    return _render_referral(referral)


STATUS_FIELDS = ("status", "end_reason", "end_note", "on")


def _status_refused(exc: RecordError, referral_id: int):
    values = {k: request.form.get(k, "") for k in (*STATUS_FIELDS, "idempotency_key")}
    if isinstance(exc, KeyReused):
        values.pop("idempotency_key")  # sent before with other values (the browser's back button): start over
        return _render_referral(followed_referral(referral_id), 422, {"-": STATUS_FORM_REUSED}, "status", values)
    return _render_referral(followed_referral(referral_id), 400, form_errors(exc), "status", values)


@bp.post("/henvisning/<int:referral_id>/status")
@roles_required(*FOLLOWERS)
@form_operation(_status_refused)
def change_status(referral_id: int):
    """Move the referral to a later status; ending needs a reason (and a note for 'other').

    The form's hidden ``idempotency_key`` makes a double submit change the status once: the second
    submit gets the first answer again (the same messages and redirect).
    """
    referral = followed_referral(referral_id)
    log_child_access(referral.child)
    fields = STATUS_FIELDS
    values = {k: request.form.get(k, "") for k in (*fields, "idempotency_key")}
    session = get_session()

    def act():
        change = ops.change_status(
            session, referral, values["status"], user=current_user.user,
            end_reason=(values["end_reason"] or None) if values["status"] == "ended" else None,
            end_note=values["end_note"].strip() or None, on=parse_date(values["on"], "on", "henvisning"))
        messages = [("info", f"»{target_name(referral)}« står nu som {referral.status_label}.")]
        messages += [("error", warning["message"]) for warning in change.warnings]
        return 303, {"location": url_for("children.page", child_id=referral.child_id, _anchor="henvisninger"),
                     "messages": messages}

    _status, answer, _repeat = once(session, current_user.user, form_key(values), method=request.method,
                                    path=request.path, body={k: values[k] for k in fields},
                                    child=referral.child, act=act)
    _flash_once(answer["messages"])
    return redirect(answer["location"], code=303)


def form_key(values: dict) -> str | None:
    """Return the form's hidden ``idempotency_key`` (None when blank), cut to the longest key stored."""
    return values.get("idempotency_key", "")[:MAX_KEY_LENGTH] or None


def _flash_once(messages) -> None:
    """Flash each (category, message) unless the first of a double submit already left it waiting."""
    waiting = {tuple(m) for m in flask_session.get("_flashes", [])}  # where flask.flash keeps them
    for category, message in messages:
        if (category, message) not in waiting:
            flash(message, category)


SHARE_FIELDS = ("shared_with_club_on", "shared_with_club_scope", "shared_with_club_name")


def _share_refused(exc: RecordError, referral_id: int):
    values = {k: request.form.get(k, "") for k in SHARE_FIELDS}
    return _render_referral(followed_referral(referral_id), 400, form_errors(exc), "share", values)


@bp.post("/henvisning/<int:referral_id>/del")
@roles_required(*FOLLOWERS)
@form_operation(_share_refused)
def share(referral_id: int):
    """Record what the club may see about the child, with the date of consent."""
    referral = followed_referral(referral_id)
    log_child_access(referral.child)
    values = {k: request.form.get(k, "") for k in SHARE_FIELDS}
    if not request.form.get("consent"):
        raise RecordError("henvisning", "consent", "referral.consent")
    share_referral(get_session(), referral, current_user.user,
                   consent_on=parse_date(values["shared_with_club_on"], "shared_with_club_on", "henvisning") or today(),
                   scope=values["shared_with_club_scope"], shared_name=values["shared_with_club_name"])
    flash("Foreningen kan nu se det delte fornavn og beskrivelsen – intet andet om barnet.", "info")
    return redirect(url_for("referrals.page", referral_id=referral.id), code=303)


def _open_referrals(child) -> list[Referral]:
    return get_session().scalars(select(Referral).where(Referral.child_id == child.id, Referral.status != "ended")
                                 .order_by(Referral.status != "active", Referral.id)).all()


def _render_log(child, status: int = 200, errors: dict | None = None, values: dict | None = None):
    referrals = _open_referrals(child)
    values = dict(values or {})
    wanted = values.get("referral_id") or request.args.get("henvisning", "")
    if not any(str(r.id) == str(wanted) for r in referrals):
        wanted = str(referrals[0].id) if referrals else ""
    values.update(referral_id=str(wanted), date=values.get("date") or today().isoformat(),
                  accompanied_by=values.get("accompanied_by") or "alone",
                  idempotency_key=values.get("idempotency_key") or uuid.uuid4().hex)
    return render_template("referrals/log.html", child=child, referrals=referrals, values=values,
                           errors=errors or {}, today=today(), target_name=target_name), status


LOG_FIELDS = ("referral_id", "date", "accompanied_by", "network_person_id", "note", "attended", "idempotency_key")


def _log_refused(exc: RecordError, child_id: int):
    values = {k: request.form.get(k, "") for k in LOG_FIELDS}
    if isinstance(exc, KeyReused):
        values.pop("idempotency_key")  # the form was sent before with other choices: show it again, new key
        return _render_log(followed_child(child_id), 422, {"-": LOG_FORM_REUSED}, values)
    return _render_log(followed_child(child_id), 400, form_errors(exc), values)


@bp.route("/boern/<int:child_id>/deltagelse", methods=["GET", "POST"])
@roles_required(*FOLLOWERS)
@form_operation(_log_refused)
def log(child_id: int):
    """Log a session in two taps: the referral and today are preselected; tap attended or not."""
    child = followed_child(child_id)
    log_child_access(child)
    if request.method == "GET":
        return _render_log(child)
    values = {k: request.form.get(k, "") for k in LOG_FIELDS}
    session = get_session()

    def act():
        referral = next((r for r in _open_referrals(child) if str(r.id) == values["referral_id"]), None)
        if referral is None:
            raise RecordError("deltagelse", "referral_id", "participation.referral")
        if values["attended"] not in ("1", "0"):
            raise RecordError("deltagelse", "attended", "participation.attended_button")
        person = next((p for p in child.network if str(p.id) == values["network_person_id"]), None)
        entry = ops.log_participation(
            session, referral, current_user.user, date=parse_date(values["date"], "date", "deltagelse")
            or today(), attended=values["attended"] == "1", accompanied_by=values["accompanied_by"] or "alone",
            network_person=person, note=values["note"].strip() or None, today=today())
        # The child page shows "Registreret: … [Fortryd]" for this entry (see ``children.undoable``).
        return 303, {"location": url_for("children.page", child_id=child.id, registreret=entry.id), "messages": []}

    _status, answer, _repeat = once(session, current_user.user, form_key(values), method=request.method,
                                    path=request.path, body={k: v for k, v in values.items() if k != "idempotency_key"},
                                    child=child, act=act)
    _flash_once(answer["messages"])
    return redirect(answer["location"], code=303)


def _undo_refused(exc: RecordError, entry_id: int):
    flash(error_sentence(exc.field, exc.message), "error")
    child_id = get_session().get(Participation, entry_id).referral.child_id
    return redirect(url_for("children.page", child_id=child_id, _anchor="deltagelse"), code=303)


@bp.post("/deltagelse/<int:entry_id>/fortryd")
@roles_required(*FOLLOWERS)
@form_operation(_undo_refused)
def undo(entry_id: int):
    """Withdraw a session logged a moment ago (kept in the history as withdrawn)."""
    entry = get_session().get(Participation, entry_id)
    if entry is None:
        abort(404)
    child = followed_child(entry.referral.child_id)
    log_child_access(child)
    ops.correct_participation(get_session(), entry, current_user.user, voided=True, today=today())
    flash("Registreringen er fortrudt. Den står som slettet i historikken.", "info")
    return redirect(url_for("referrals.log", child_id=child.id, henvisning=entry.referral_id), code=303)


CORRECT_FIELDS = ("date", "attended", "accompanied_by", "note", "voided")


def _render_correct(entry: Participation, values: dict, errors: dict, status: int = 200):
    return render_template("referrals/correct.html", entry=entry, child=entry.referral.child, values=values,
                           errors=errors, name=target_name(entry.referral), today=today()), status


def _correct_refused(exc: RecordError, entry_id: int):
    values = {k: request.form.get(k, "") for k in CORRECT_FIELDS}
    return _render_correct(get_session().get(Participation, entry_id), values, form_errors(exc), 400)


@bp.route("/deltagelse/<int:entry_id>/ret", methods=["GET", "POST"])
@roles_required(*FOLLOWERS)
@form_operation(_correct_refused)
def correct(entry_id: int):
    """Correct a logged session (kept as history) or withdraw it when it was logged by mistake."""
    entry = get_session().get(Participation, entry_id)
    if entry is None:
        abort(404)
    child = followed_child(entry.referral.child_id)
    log_child_access(child)
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in CORRECT_FIELDS}
        ops.correct_participation(
            get_session(), entry, current_user.user, date=parse_date(values["date"], "date", "deltagelse"),
            attended=values["attended"] == "1", accompanied_by=values["accompanied_by"] or None,
            note=values["note"].strip() or None, voided=bool(values["voided"]), today=today())
        flash("Registreringen er rettet. Den oprindelige er gemt i historikken.", "info")
        return redirect(url_for("children.page", child_id=child.id, _anchor="deltagelse"), code=303)
    values = {"date": entry.date.isoformat(), "attended": "1" if entry.attended else "0",
              "accompanied_by": entry.accompanied_by, "note": entry.note or "", "voided": ""}
    return _render_correct(entry, values, {})


def _components(raw: str) -> dict[str, float] | None:
    try:
        data = jsonio.loads(raw) if raw else None
    except jsonio.JSONInputError:
        data = None
    if not isinstance(data, dict):
        return None
    return {str(k): float(v) for k, v in data.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def _suggest_refused(exc: RecordError, child_id: int):
    flash(error_sentence(exc.field, exc.message), "error")
    return redirect(url_for("children.page", child_id=child_id, _anchor="henvisninger"), code=303)


@bp.post("/boern/<int:child_id>/henvisninger")
@roles_required(*FOLLOWERS)
@form_operation(_suggest_refused)
def suggest(child_id: int):
    """Suggest the child for one offer or mentor from the match results, keeping the matcher's score."""
    child = followed_child(child_id)
    log_child_access(child)
    session = get_session()
    offer_id, mentor_id = request.form.get("offer_id", ""), request.form.get("mentor_id", "")
    offer = session.get(Offer, parse_id(offer_id)) if parse_id(offer_id) else None
    mentor = session.get(Mentor, parse_id(mentor_id)) if parse_id(mentor_id) and offer is None else None
    if offer is None and mentor is None:
        abort(400)
    try:
        score = float(request.form.get("match_score", "")) if request.form.get("match_score") else None
    except ValueError:
        score = None
    referral = ops.create_referral(session, child, user=current_user.user, offer=offer, mentor=mentor,
                                   match_score=score, on=parse_date(request.form.get("suggested_on"),
                                                                    "suggested_on", "henvisning"),
                                   match_components=_components(request.form.get("match_components", "")))
    back = safe_next(request.form.get("next"))
    if back:  # from the match page: back to the same results, the confirmation shown at the offer or mentor
        target = f"{'mentor' if mentor else 'offer'}-{(mentor or offer).id}"
        joiner = "&" if "?" in back else "?"
        return redirect(f"{back}{joiner}foreslaaet={target}#foreslaaet", code=303)
    flash(f"Foreslået: »{target_name(referral)}«. Henvisningen står nu som Foreslået.", "info")
    return redirect(url_for("children.page", child_id=child.id, _anchor="henvisninger"), code=303)


def shared_referrals(organisation_id: int) -> list[Referral]:
    """Return the open referrals to the organisation's offers that a contact person shared, with consent."""
    return get_session().scalars(
        select(Referral).join(Offer, Offer.id == Referral.offer_id)
        .where(Offer.organisation_id == organisation_id, Referral.shared_with_club_on.is_not(None),
               Referral.status != "ended")
        .order_by(Referral.shared_with_club_on.desc(), Referral.id)).all()

