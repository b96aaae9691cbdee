"""Offer endpoints of the API."""

from __future__ import annotations

from flask import jsonify

from matcher.web.api import bp


@bp.get("/me")
def me():
    """Return who the token belongs to."""
    from flask_login import current_user

    return jsonify({"id": current_user.id, "email": current_user.email, "role": current_user.role.value,
                    "organisation_id": current_user.organisation_id})
