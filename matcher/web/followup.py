"""Indikatorer og advarsler: the plan's indicators per period and district, and what needs attention."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Flask, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from matcher.accounts.models import Role
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import District
from matcher.pathways.indicators import compute_indicators
from matcher.pathways.models import END_REASONS, Child
from matcher.pathways.periods import Period
from matcher.pathways.queries import visible_children
from matcher.pathways.report import AREA_ALL, CATALOGUE_LABELS, LABELS, SHARES, export_rows, suppressed, to_csv
from matcher.pathways.report_html import bar_chart, format_value
from matcher.pathways.warning_actions import MAX_SNOOZE_DAYS, act_on_warning, current_warnings
from matcher.web.access import log_children_listed
from matcher.web.auth import roles_required
from matcher.web.children import parse_date
from matcher.web.database import form_errors, form_operation, get_session
from matcher.web.labels import danish_date
from matcher.web.search import today

bp = Blueprint("followup", __name__)
STAFF = (Role.admin, Role.key_staff)
FOLLOWERS = (Role.admin, Role.key_staff, Role.contact_person)


def init_app(app: Flask) -> None:
    """Register the follow-up blueprint."""
    app.register_blueprint(bp)


def current_quarter() -> str:
    """Return the running quarter, e.g. 2026Q4."""
    now = today()
    return f"{now.year}Q{(now.month - 1) // 3 + 1}"


def period_choices() -> list[str]:
    """Return the last eight quarters, two half-years and three years, newest first."""
    now = today()
    quarters, (year, q) = [], (now.year, (now.month - 1) // 3 + 1)
    for _ in range(8):
        quarters.append(f"{year}Q{q}")
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    halves = [f"{now.year}H{1 if now.month <= 6 else 2}", f"{now.year - 1}H2"]
    return quarters + halves + [str(now.year - i) for i in range(3)]


def _params() -> tuple[Period | None, str, dict]:
    raw = request.args.get("period", "").strip() or current_quarter()
    district = request.args.get("district", "").strip()
    try:
        return Period.parse(raw), district, {}
    except RecordError as exc:
        return None, district, {exc.field: exc.message}


@bp.get("/indikatorer")
@roles_required(*STAFF)
def indicators():
    """Show the indicators with inline SVG charts and the same figures as tables."""
    period, district, errors = _params()
    result = None
    if period is not None:
        try:
            result = compute_indicators(get_session(), period, district or None, today=today())
        except RecordError as exc:
            errors = {exc.field: exc.message}
    districts = get_session().scalars(select(District).order_by(District.name)).all()
    context = {"errors": errors, "districts": districts, "district": district,
               "period": request.args.get("period", "").strip() or current_quarter(), "choices": period_choices(),
               "result": result}
    if result is not None:
        now, before = suppressed(result), suppressed(result["baseline"])
        legend = (result["period"], result["baseline"]["period"])
        area = result["district"] or AREA_ALL
        shares = bar_chart("andele", "Andele af børnene", [
            (LABELS[f"{k}.share"], now[k]["share"], before[k]["share"]) for k in SHARES], True, legend)
        reasons = bar_chart("afslutning", "Årsager til afslutning", [
            (label, now["end_reasons"][k], before["end_reasons"][k]) for k, label in END_REASONS.items()],
            False, legend)
        # bar_chart escapes every text it writes; ids and classes are constants.
        shares_chart, reasons_chart = Markup(shares), Markup(reasons)  # nosec B704
        context.update(
            area=area, legend=legend, shares_chart=shares_chart, reasons_chart=reasons_chart,
            rows=[r for r in export_rows(result) if r["area"] == area and not r["measure"].startswith("catalogue.")],
            per_district=[(name, suppressed(ind)["in_positive_community"]["share"])
                          for name, ind in (result.get("per_district") or {}).items()],
            catalogue=result["catalogue"], catalogue_labels=CATALOGUE_LABELS, fmt=format_value)
    return render_template("followup/indicators.html", **context), 400 if errors else 200


@bp.get("/indikatorer.csv")
@roles_required(*STAFF)
def indicators_csv():
    """Download the indicators as CSV, small counts suppressed."""
    period, district, errors = _params()
    if period is None:
        return Response(next(iter(errors.values())), status=400, mimetype="text/plain")
    try:
        result = compute_indicators(get_session(), period, district or None, today=today())
    except RecordError as exc:
        return Response(exc.message, status=400, mimetype="text/plain")
    name = f"indikatorer-{period.label}{'-' + district if district else ''}.csv"
    safe = "".join(ch if ch.isalnum() or ch in "-." else "_" for ch in name)
    return Response(to_csv(result), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{safe}"'})


@bp.get("/advarsler")
@roles_required(*FOLLOWERS)
def warnings():
    """List the warnings about the user's children (contact person) or district (key staff), oldest first."""
    return _render_warnings()


def _render_warnings(status: int = 200, errors: dict | None = None, failed: str = "", values: dict | None = None):
    session = get_session()
    now = today()
    show_all = request.args.get("vis") == "alle" or request.form.get("vis") == "alle"
    found = current_warnings(session, current_user.user, now, include_closed=show_all)
    codes = dict(session.execute(select(Child.id, Child.code).where(visible_children(current_user.user))).all())
    log_children_listed([w["child_id"] for w in found], "advarsler")
    return render_template("followup/warnings.html", warnings=found, codes=codes, show_all=show_all,
                           errors=errors or {}, failed=failed, values=values or {}, today=now,
                           snooze_default=(now + dt.timedelta(days=7)).isoformat(),
                           snooze_max=(now + dt.timedelta(days=MAX_SNOOZE_DAYS)).isoformat()), status


WARNING_FIELDS = ("warning", "action", "note", "snoozed_until")


def _act_refused(exc: RecordError):
    values = {k: request.form.get(k, "") for k in WARNING_FIELDS}
    return _render_warnings(400, form_errors(exc), values["warning"], values)


@bp.post("/advarsler/handling")
@roles_required(*FOLLOWERS)
@form_operation(_act_refused)
def act():
    """Mark a warning handled with a note, or snooze it until a day; audited."""
    values = {k: request.form.get(k, "") for k in WARNING_FIELDS}
    until = None
    if values["action"] == "snoozed":
        until = parse_date(values["snoozed_until"], "snoozed_until", "advarsel")
    act_on_warning(get_session(), current_user.user, values["warning"], values["action"],
                   note=values["note"].strip() or None, until=until, as_of=today(), ip=request.remote_addr)
    if values["action"] == "handled":
        flash("Advarslen er markeret som håndteret.", "info")
    else:
        flash(f"Advarslen er udsat til {danish_date(until)}.", "info")
    back = request.form.get("tilbage", "")
    if back.startswith("/boern/") and "//" not in back:
        return redirect(back, code=303)
    return redirect(url_for("followup.warnings", vis="alle" if request.form.get("vis") == "alle" else None),
                    code=303)
