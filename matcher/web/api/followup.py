"""Warnings and indicators in the API: what needs attention, and how the district is doing."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from matcher.accounts.models import Role
from matcher.catalogue.errors import RecordError
from matcher.pathways.indicators import compute_indicators
from matcher.pathways.periods import Period
from matcher.pathways.warnings import warnings_for
from matcher.web.access import log_children_listed
from matcher.web.api import ApiError, bp, district_ref, page_params, require_role
from matcher.web.database import get_session
from matcher.web.search import today

FIRST_YEAR, LAST_YEAR = 2000, 2100  # the baseline is the period before; dates outside 1..9999 crash


@bp.get("/warnings")
def list_warnings():
    """Return the warnings about the children the caller follows or oversees."""
    require_role(Role.admin, Role.key_staff, Role.contact_person)
    limit, offset = page_params(default_limit=100)
    found = warnings_for(get_session(), current_user.user, today())
    log_children_listed([w["child_id"] for w in found[offset:offset + limit]], "API: advarsler")
    return jsonify({"results": found[offset:offset + limit], "total": len(found), "limit": limit,
                    "offset": offset})


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
