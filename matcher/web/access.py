"""Who may see or edit what: the getters load and authorise only; the views log a child's look-up.

Club representatives edit their own organisation, key staff and admins any. A view that shows or
changes a child's record calls ``log_child_access`` once; the audit log keeps one look-up per
record and request, and keeps it when the request is refused (``matcher.lasting``).
"""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from matcher.accounts.models import Role
from matcher.catalogue.models import Offer, Organisation
from matcher.pathways.checks import can_follow
from matcher.pathways.models import Child, Referral
from matcher.privacy.audit import record, record_lookups
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


def followed_child(child_id: int):
    """Return the child the current user follows; 404 when unknown or erased, 403 when not theirs."""
    child = get_session().get(Child, child_id)
    if child is None or child.erased_at is not None:
        abort(404, description=f"Intet barn med id {child_id}")
    if not can_follow(current_user.user, child):
        abort(403, description="Du kan kun se de børn, du selv følger")
    return child


def followed_referral(referral_id: int):
    """Return the referral of a child the current user follows; 404 when unknown, 403 when not theirs."""
    referral = get_session().get(Referral, referral_id)
    if referral is None:
        abort(404, description=f"Ingen henvisning med id {referral_id}")
    followed_child(referral.child_id)
    return referral


PURPOSES = {"children.page": "barnets side", "matching.for_child": "find fællesskaber",
            "referrals.log": "log deltagelse", "referrals.correct": "ret deltagelse",
            "referrals.page": "følg henvisning", "referrals.change_status": "skift status",
            "referrals.share": "del med foreningen", "referrals.suggest": "foreslå fællesskab",
            "children.start_phase": "start fase", "children.close_phase": "afslut fase",
            "children.add_network": "tilføj netværksperson", "api.get_child": "API: læs barn",
            "api.create_referral": "API: foreslå", "api.patch_referral": "API: skift status",
            "api.log_participation": "API: log deltagelse", "handout.for_referral": "udskrift til familien",
            "clubloop.waiting_list": "venteliste", "api.share_referral": "API: del med foreningen",
            "api.list_participation": "API: læs deltagelse", "shortlists.add": "kortliste: tilføj tilbud",
            "shortlists.remove": "kortliste: fjern tilbud", "shortlists.refer": "henvis et barn fra tilbuddet",
            "search.search_page": "søg tilbud til barnet", "api.get_shortlist": "API: læs kortliste",
            "api.add_to_shortlist": "API: kortliste", "api.patch_child": "API: ret barn",
            "children.edit": "ret barnets profil"}


def log_child_access(child, action: str | None = None, purpose: str | None = None) -> None:
    """Log who looked at a child's record (to read it, or to change it), when and why; once per request.

    The event stays in the log when the request is refused and rolled back.
    """
    action = action or ("view" if request.method in ("GET", "HEAD") else "update")
    record(get_session(), current_user, action, "child", child.id, child_id=child.id,
           purpose=purpose or PURPOSES.get(request.endpoint or "", request.endpoint), ip=request.remote_addr,
           lasting=True)


def log_children_listed(child_ids, purpose: str) -> None:
    """Log one 'view' event per child shown in a list (the child's access request names each look-up)."""
    record_lookups(get_session(), current_user, child_ids, purpose, request.remote_addr)
