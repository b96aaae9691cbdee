"""POST /api/v1/match: rank offers, leisure jobs or mentors for a child profile."""

from __future__ import annotations

from flask import jsonify

from matcher.accounts.models import Role
from matcher.matching.profile import ProfileError
from matcher.web import current_runtime
from matcher.web.api import ApiError, bp, json_body
from matcher.web.database import get_session

MATCH_ROLES = (Role.admin, Role.key_staff, Role.contact_person)
ALLOWED_KEYS = {"child", "kind", "limit"}


@bp.post("/match")
def match():
    """Return the ranked candidates with components and reasons, and exclusion counts."""
    from flask_login import current_user

    if not current_user.has_role(*MATCH_ROLES):
        raise ApiError(403, "Din rolle kan ikke matche børn")
    body = json_body()
    unknown = sorted(set(body) - ALLOWED_KEYS)
    if unknown:
        raise ApiError(400, f"ukendt felt {unknown[0]!r}", unknown[0])
    child = body.get("child")
    if not isinstance(child, dict):
        raise ApiError(400, "child skal være et objekt med barnets profil", "child")
    try:
        result = current_runtime().matching.match(get_session(), child, kind=body.get("kind", "activity"),
                                     limit=body.get("limit", 10))
    except ProfileError as exc:
        field = exc.field if exc.field in ("kind", "limit") else f"child.{exc.field}"
        raise ApiError(400, f"{field}: {exc.message}", field) from None
    return jsonify(result.to_dict())
