"""Børn: a worker's children, the child page with pathway, network and warnings, and new children."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher.accounts.models import Role
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import WEEKDAYS, District
from matcher.db import parse_id, utcnow
from matcher.pathways import operations as ops
from matcher.pathways.checks import NotAllowed
from matcher.pathways.models import (
    CLOSING_REASONS,
    GENDERS,
    PHASE_KINDS,
    Child,
    Participation,
    Phase,
    Referral,
)
from matcher.pathways.queries import child_overview, visible_children
from matcher.pathways.warning_actions import MAX_SNOOZE_DAYS, current_warnings
from matcher.pathways.warnings import WARNING_TYPES
from matcher.privacy.models import AuditEvent
from matcher.shortlists.operations import shortlist
from matcher.web.access import followed_child, log_child_access, log_children_listed
from matcher.web.auth import roles_required
from matcher.web.database import form_errors, form_operation, get_session
from matcher.web.search import today

bp = Blueprint("children", __name__)
FOLLOWERS = (Role.admin, Role.key_staff, Role.contact_person)
HISTORY_SHOWN = 10
CHILD_FORM_FIELDS = ("code", "birth_year", "birth_date", "gender", "postcode", "district_id", "interests")
#: Languages shown as checkboxes first; the rest of the list is behind "Flere sprog".
COMMON_LANGUAGES = ("da", "en", "ar", "so", "tr", "ur", "fa", "pl", "uk")
#: How long a logged session can be withdrawn with "Fortryd" on the child page.
UNDO_WINDOW = dt.timedelta(minutes=15)


def init_app(app: Flask) -> None:
    """Register the children blueprint."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(GENDERS=GENDERS, PHASE_KINDS=PHASE_KINDS, CLOSING_REASONS=CLOSING_REASONS,
                                 WARNING_TYPES=WARNING_TYPES)


def parse_date(value: str | None, field: str, record: str = "barn") -> dt.date | None:
    """Return an ISO date from a form field (None when empty); RecordError naming the field otherwise."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RecordError(record, field, "form.date") from None


def districts() -> list[District]:
    """Return the districts by name."""
    return get_session().scalars(select(District).order_by(District.name)).all()


@bp.get("/boern")
@roles_required(*FOLLOWERS)
def index():
    """List the children the user follows, with phase, communities, last session and warnings."""
    session = get_session()
    children = session.scalars(select(Child).where(visible_children(current_user.user))
                               .options(selectinload(Child.district)).order_by(Child.code)).all()
    now = today()
    overview = child_overview(session, [c.id for c in children])
    log_children_listed([c.id for c in children], "oversigt over børn")
    warnings: dict[int, list[dict]] = {}
    for w in current_warnings(session, current_user.user, now):
        warnings.setdefault(w["child_id"], []).append(w)
    return render_template("children/index.html", children=children, overview=overview, warnings=warnings,
                           today=now, codes={c.id: c.code for c in children})


def _child_form(form) -> dict:
    values = {f: form.get(f, "").strip() for f in CHILD_FORM_FIELDS}
    values["interests"] = form.get("interests", "")
    values["weekdays"] = form.getlist("weekdays")
    values["languages"] = [part.strip() for value in form.getlist("languages") for part in value.split(",")
                           if part.strip()]
    return values


def _profile(values: dict) -> dict:
    """Turn the form's text into the operation's arguments; the operation checks the values."""
    year = values["birth_year"]
    if year and not year.isdigit():
        raise RecordError("barn", "birth_year", "child.birth_year", first=1990, last=today().year)
    district = values["district_id"]
    if district and parse_id(district) is None:
        raise RecordError("barn", "district_id", "form.district")
    return {"district_id": parse_id(district) if district else None, "postcode": values["postcode"] or None,
            "birth_date": parse_date(values["birth_date"], "birth_date"), "birth_year": int(year) if year else None,
            "gender": values["gender"] or "unknown", "interests": values["interests"].strip() or None,
            "languages": values["languages"], "weekdays": values["weekdays"]}


def _form_context(values: dict, errors: dict) -> dict:
    return {"values": values, "errors": errors, "district_options": [(d.id, d.name) for d in districts()],
            "weekdays": WEEKDAYS, "common_languages": COMMON_LANGUAGES}


def _new_refused(exc: RecordError | NotAllowed):
    return render_template("children/new.html", **_form_context(_child_form(request.form),
                                                                form_errors(exc))), 400


@bp.route("/boern/ny", methods=["GET", "POST"])
@roles_required(*FOLLOWERS)
@form_operation(_new_refused)
def new():
    """Create a pseudonymous child: code (or a generated one), birth year or date, gender, place, interests."""
    if request.method == "POST":
        values = _child_form(request.form)
        child = ops.create_child(get_session(), values["code"] or None, user=current_user.user,
                                 ip=request.remote_addr, **_profile(values))
        flash(f"Barnet er oprettet med koden {child.code}.", "info")
        return redirect(url_for("children.page", child_id=child.id), code=303)
    values = {"gender": "unknown", "weekdays": [], "languages": ["da"]}
    return render_template("children/new.html", **_form_context(values, {}))


def _edit_refused(exc: RecordError | NotAllowed, child_id: int):
    return render_template("children/edit.html", child=followed_child(child_id),
                           **_form_context(_child_form(request.form), form_errors(exc))), 400


@bp.route("/boern/<int:child_id>/rediger", methods=["GET", "POST"])
@roles_required(*FOLLOWERS)
@form_operation(_edit_refused)
def edit(child_id: int):
    """Edit a child's profile: interests, place, weekdays, languages, gender and birth year or date."""
    child = followed_child(child_id)
    log_child_access(child)
    if request.method == "GET":
        values = {"birth_year": str(child.birth_date.year) if child.birth_year_only and child.birth_date else "",
                  "birth_date": "" if child.birth_year_only or not child.birth_date else child.birth_date.isoformat(),
                  "gender": child.gender, "postcode": child.postcode or "",
                  "district_id": str(child.district_id or ""),
                  "interests": child.interests or "", "languages": list(child.languages or []),
                  "weekdays": list(child.weekdays or [])}
        return render_template("children/edit.html", child=child, **_form_context(values, {}))
    profile = _profile(_child_form(request.form))
    if profile["postcode"] != child.postcode and profile["district_id"] == child.district_id:
        profile["district_id"] = None  # a new postcode with the district left as it was: follow the postcode
    changed = ops.update_child(get_session(), child, current_user.user, ip=request.remote_addr, **profile)
    flash("Profilen er gemt." if changed else "Intet var ændret.", "info")
    return redirect(url_for("children.page", child_id=child.id, _anchor="profil"), code=303)


def profile_history(session, child: Child) -> list:
    """Return the logged creations and changes of the child's profile, newest first (field names only)."""
    rows = session.scalars(select(AuditEvent).where(
        AuditEvent.child_id == child.id, AuditEvent.object_type == "child",
        AuditEvent.action.in_(("create", "update"))).order_by(AuditEvent.id.desc())).all()
    return [r for r in rows if isinstance(r.detail, dict) and r.detail.get("fields")]


def history(session, child: Child) -> list[Participation]:
    """Return every participation row of the child's referrals, newest first, corrections included."""
    return session.scalars(
        select(Participation).join(Referral, Referral.id == Participation.referral_id)
        .where(Referral.child_id == child.id)
        .options(selectinload(Participation.referral).selectinload(Referral.offer),
                 selectinload(Participation.referral).selectinload(Referral.mentor),
                 selectinload(Participation.network_person), selectinload(Participation.logged_by))
        .order_by(Participation.date.desc(), Participation.id.desc())).all()


def render_child(child: Child, status: int = 200, errors: dict | None = None, form: str = "",
                 values: dict | None = None):
    """Render the child page; ``form`` names the form that ``errors`` belong to."""
    session = get_session()
    now = today()
    referrals = session.scalars(select(Referral).where(Referral.child_id == child.id)
                                .options(selectinload(Referral.offer), selectinload(Referral.mentor))
                                .order_by(Referral.status == "ended", Referral.id.desc())).all()
    phases = session.scalars(select(Phase).where(Phase.child_id == child.id)
                             .options(selectinload(Phase.responsible)).order_by(Phase.start_date.desc())).all()
    entries = history(session, child)
    superseded = {e.supersedes_id for e in entries if e.supersedes_id}
    warnings = [w for w in current_warnings(session, current_user.user, now) if w["child_id"] == child.id]
    return render_template("children/child.html", changes=profile_history(session, child),
                           just_logged=undoable(child, request.args.get("registreret")), child=child, referrals=referrals, phases=phases,
                           open_phase=next((p for p in phases if p.end_date is None), None), entries=entries,
                           superseded=superseded, warnings=warnings, today=now, errors=errors or {},
                           shown=len(entries) if request.args.get("historik") == "alle" else HISTORY_SHOWN,
                           form=form, values=values or {}, shortlist=shortlist(session, child), codes={child.id: child.code}, failed="",
                           show_all=False, snooze_default=(now + dt.timedelta(days=7)).isoformat(),
                           snooze_max=(now + dt.timedelta(days=MAX_SNOOZE_DAYS)).isoformat()), status


@bp.get("/boern/<int:child_id>")
@roles_required(*FOLLOWERS)
def page(child_id: int):
    """Show a child's profile, pathway, network, referrals, participation and warnings."""
    child = followed_child(child_id)
    log_child_access(child)
    return render_child(child)


def _form_values(*keys: str) -> dict:
    return {k: request.form.get(k, "") for k in keys}


PHASE_FIELDS = ("kind", "start_date", "goal")
CLOSE_FIELDS = ("closing_reason", "end_date", "closing_note")
NETWORK_FIELDS = ("label", "relation")


def _refused_on_page(form: str, fields: tuple[str, ...]):
    """Return an error renderer: the child page again with the refused ``form`` and its field named."""
    def render(exc: RecordError, child_id: int):
        return render_child(followed_child(child_id), 400, form_errors(exc), form, _form_values(*fields))
    return render


@bp.post("/boern/<int:child_id>/fase")
@roles_required(*FOLLOWERS)
@form_operation(_refused_on_page("phase", PHASE_FIELDS))
def start_phase(child_id: int):
    """Start the next phase; a running phase ends the same day (the bridge)."""
    child = followed_child(child_id)
    log_child_access(child)
    values = _form_values(*PHASE_FIELDS)
    phase = ops.start_phase(get_session(), child, values["kind"],
                            start_date=parse_date(values["start_date"], "start_date", "fase") or today(),
                            goal=values["goal"].strip() or None, responsible=current_user.user)
    flash(f"Fasen {phase.label} er startet.", "info")
    return redirect(url_for("children.page", child_id=child.id, _anchor="forloeb"), code=303)


@bp.post("/boern/<int:child_id>/fase/afslut")
@roles_required(*FOLLOWERS)
@form_operation(_refused_on_page("close", CLOSE_FIELDS))
def close_phase(child_id: int):
    """End the running phase with a reason from the fixed list."""
    child = followed_child(child_id)
    log_child_access(child)
    values = _form_values(*CLOSE_FIELDS)
    phase = ops.open_phase(get_session(), child)
    if phase is None:
        raise RecordError("fase", "closing_reason", "phase.none_open")
    ops.close_phase(get_session(), phase, reason=values["closing_reason"],
                    end_date=parse_date(values["end_date"], "end_date", "fase") or today(),
                    note=values["closing_note"].strip() or None)
    flash("Fasen er afsluttet.", "info")
    return redirect(url_for("children.page", child_id=child.id, _anchor="forloeb"), code=303)


@bp.post("/boern/<int:child_id>/netvaerk")
@roles_required(*FOLLOWERS)
@form_operation(_refused_on_page("network", NETWORK_FIELDS))
def add_network(child_id: int):
    """Add someone from the family's network (first name or role)."""
    child = followed_child(child_id)
    log_child_access(child)
    values = _form_values(*NETWORK_FIELDS)
    person = ops.add_network_person(get_session(), child, values["label"], relation=values["relation"])
    flash(f"{person.label} er tilføjet til netværket.", "info")
    return redirect(url_for("children.page", child_id=child.id, _anchor="netvaerk"), code=303)


def undoable(child, entry_id: str | None):
    """Return the participation entry the user just logged for ``child`` (to offer "Fortryd"), or None."""
    entry = get_session().get(Participation, parse_id(entry_id)) if parse_id(entry_id or "") else None
    if entry is None or entry.referral.child_id != child.id or entry.voided or entry.logged_by_id != current_user.id:
        return None
    superseded = get_session().scalar(select(Participation.id).where(Participation.supersedes_id == entry.id))
    if superseded is not None or utcnow() - entry.logged_at > UNDO_WINDOW:
        return None
    return entry
