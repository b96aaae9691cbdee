"""Warnings and indicators in the API: what needs attention, and how the district is doing."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from matcher.accounts.models import Role
from matcher.catalogue.errors import RecordError
from matcher.pathways.indicators import compute_indicators
from matcher.pathways.periods import Period
from matcher.pathways.warning_actions import act_on_warning, current_warnings
from matcher.web.access import log_children_listed
from matcher.web.api import ApiError, bp, district_ref, json_body, page_params, require_role
from matcher.web.api.children import iso_date, only, typed
from matcher.web.database import get_session
from matcher.web.search import today

FIRST_YEAR, LAST_YEAR = 2000, 2100  # the baseline is the period before; dates outside 1..9999 crash


@bp.get("/warnings")
def list_warnings():
    """Return the warnings about the children the caller follows or oversees; ``state=all`` adds handled ones."""
    require_role(Role.admin, Role.key_staff, Role.contact_person)
    limit, offset = page_params(default_limit=100)
    state = request.args.get("state", "open")
    if state not in ("open", "all"):
        raise ApiError(400, "state skal være open eller all", "state")
    found = current_warnings(get_session(), current_user.user, today(), include_closed=state == "all")
    log_children_listed([w["child_id"] for w in found[offset:offset + limit]], "API: advarsler")
    return jsonify({"results": found[offset:offset + limit], "total": len(found), "limit": limit,
                    "offset": offset})


@bp.post("/warnings/<warning>/handle")
def handle_warning(warning: str):
    """Mark one of the caller's warnings handled; ``note`` says what was done."""
    return _act(warning, "handled", {"note"})


@bp.post("/warnings/<warning>/snooze")
def snooze_warning(warning: str):
    """Snooze one of the caller's warnings until ``until`` (an ISO date after today)."""
    return _act(warning, "snoozed", {"until", "note"})


def _act(warning_id: str, action: str, allowed: set[str]):
    require_role(Role.admin, Role.key_staff, Role.contact_person)
    body = only(json_body(), allowed)
    until = iso_date(body, "until") if action == "snoozed" else None
    if action == "snoozed" and until is None:
        raise ApiError(400, "until mangler (ÅÅÅÅ-MM-DD)", "until")
    try:
        row = act_on_warning(get_session(), current_user.user, warning_id, action,
                             note=typed(body, "note", str, "tekst"), until=until, as_of=today(),
                             ip=request.remote_addr)
    except RecordError as exc:
        if exc.field == "warning":
            raise ApiError(404, exc.message, "warning", exc.code) from None
        raise ApiError(400, exc.message, "until" if exc.field == "snoozed_until" else exc.field, exc.code) from None
    return jsonify({"id": warning_id, "state": row.action, "note": row.note,
                    "snoozed_until": row.snoozed_until.isoformat() if row.snoozed_until else None,
                    "acted_on": row.at.isoformat()})


@bp.get("/indicators")
def indicators():
    """Return the plan's indicators for a period (and its baseline), optionally for one district."""
    require_role(Role.admin, Role.key_staff)
    try:
        period = Period.parse(request.args.get("period", ""))
    except RecordError:
        raise
    except ValueError:  # year 0
        period = None
    if period is None or not FIRST_YEAR <= period.start.year <= LAST_YEAR:
        raise ApiError(400, f"period skal ligge mellem {FIRST_YEAR} og {LAST_YEAR}", "period")
    district = district_ref()
    return jsonify(compute_indicators(get_session(), period, district, today=today()))
