"""Who may edit which listing: club representatives their own organisation, key staff and admins any."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from matcher.accounts.models import Role
from matcher.catalogue.models import Offer, Organisation
from matcher.web.database import get_session

EDITORS = (Role.admin, Role.key_staff, Role.club_rep)


def can_edit_organisation(user, organisation_id: int) -> bool:
    """Return whether ``user`` may change the listings of the organisation."""
    if not user.is_authenticated:
        return False
    if user.has_role(Role.admin, Role.key_staff):
        return True
    return user.has_role(Role.club_rep) and user.organisation_id == organisation_id


def editable_offer(offer_id: int) -> Offer:
    """Return the offer the current user may edit; 404 when unknown, 403 when not theirs."""
    offer = get_session().get(Offer, offer_id)
    if offer is None:
        abort(404)
    if not can_edit_organisation(current_user, offer.organisation_id):
        abort(403)
    return offer


def editable_organisation(organisation_id: int) -> Organisation:
    """Return the organisation the current user may edit; 404 when unknown, 403 when not theirs."""
    org = get_session().get(Organisation, organisation_id)
    if org is None:
        abort(404)
    if not can_edit_organisation(current_user, org.id):
        abort(403)
    return org
