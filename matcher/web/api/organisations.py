"""Organisation endpoints of the API."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher.catalogue.models import Organisation
from matcher.web.access import can_edit_organisation
from matcher.web.api import ApiError, bp
from matcher.web.api.serialise import organisation_dict
from matcher.web.database import get_session


@bp.get("/organisations/<int:organisation_id>")
def get_organisation(organisation_id: int):
    """Return one organisation and its offers."""
    org = get_session().scalars(select(Organisation).where(Organisation.id == organisation_id)
                                .options(selectinload(Organisation.offers))).first()
    if org is None:
        raise ApiError(404, f"Ingen forening med id {organisation_id}")
    return jsonify(organisation_dict(org, with_pending=can_edit_organisation(current_user, org.id)))
