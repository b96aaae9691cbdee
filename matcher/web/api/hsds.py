"""The public, read-only HSDS 3.1 feed of services (no token; no children, no mentors)."""

from __future__ import annotations

import math

from flask import Blueprint, jsonify, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from matcher.catalogue.hsds_export import PUBLIC, service_dict
from matcher.catalogue.models import Offer
from matcher.web.api import ApiError, error_body
from matcher.web.database import get_session

bp = Blueprint("hsds_api", __name__, url_prefix="/api/hsds")
MAX_PER_PAGE = 200


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return error_body(exc.message, exc.field, exc.status)


def _int_arg(name: str, default: int, lo: int, hi: int) -> int:
    raw = request.args.get(name, "").strip()
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or not lo <= int(raw) <= hi:
        raise ApiError(400, f"{name} skal være et helt tal mellem {lo} og {hi}", name)
    return int(raw)


@bp.get("/services")
def services():
    """Return one HSDS page of services, in id order."""
    page = _int_arg("page", 1, 1, 1_000_000)
    size = _int_arg("per_page", 50, 1, MAX_PER_PAGE)
    session = get_session()
    total = session.scalar(select(func.count(Offer.id)).where(PUBLIC)) or 0
    rows = session.scalars(select(Offer).where(PUBLIC).order_by(Offer.id).limit(size).offset((page - 1) * size)
                           .options(selectinload(Offer.interests), selectinload(Offer.schedules),
                                    selectinload(Offer.organisation))).all()
    pages = max(1, math.ceil(total / size))
    return jsonify({"total_items": total, "total_pages": pages, "page_number": page, "size": size,
                    "first_page": page == 1, "last_page": page >= pages, "empty": not rows,
                    "contents": [service_dict(o) for o in rows]})
