"""Mentor endpoints of the API (staff only, never club representatives)."""

from __future__ import annotations

from flask import jsonify
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from matcher.accounts.models import Role
from matcher.catalogue.models import District, Mentor
from matcher.db import parse_id
from matcher.web.api import ApiError, bp, district_ref, page_params, require_role
from matcher.web.api.serialise import mentor_dict
from matcher.web.database import get_session


@bp.get("/mentors")
def list_mentors():
    """List mentors, optionally in one district (id or slug)."""
    require_role(Role.admin, Role.key_staff, Role.contact_person)
    limit, offset = page_params()
    session = get_session()
    stmt = select(Mentor)
    ref = district_ref()
    if ref:
        district = session.scalars(select(District).where(
            District.id == parse_id(ref) if parse_id(ref) else District.slug == ref)).first()
        if district is None:
            raise ApiError(400, f"ukendt bydel {ref!r}", "district")
        stmt = stmt.where(Mentor.district_id == district.id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.options(selectinload(Mentor.district), selectinload(Mentor.organisation))
                           .order_by(Mentor.id).limit(limit).offset(offset)).all()
    return jsonify({"results": [mentor_dict(m) for m in rows], "total": total, "limit": limit, "offset": offset})
