"""Reusable query pieces: the current view of participation, and who sees which children."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, select, true
from sqlalchemy.orm import aliased

from matcher.accounts.models import Role, User
from matcher.catalogue.models import Mentor, Offer
from matcher.pathways.models import Child, Participation, Phase, Referral


def is_current(entry=Participation) -> ColumnElement[bool]:
    """Return a clause true for participation rows that are neither superseded nor voided."""
    newer = aliased(Participation)
    return ~exists(select(newer.id).where(newer.supersedes_id == entry.id)) & ~entry.voided


def visible_children(user: User) -> ColumnElement[bool]:
    """Return a clause selecting the (not erased) children ``user`` follows or oversees."""
    alive = Child.erased_at.is_(None)
    if user.role is Role.admin:
        return alive & true()
    if user.role is Role.key_staff:
        if user.district_id is None:  # a missing district grants nothing (creation refuses it anyway)
            return alive & (Child.id.is_(None))
        return alive & (Child.district_id == user.district_id)
    if user.role is Role.contact_person:
        return alive & (Child.contact_person_id == user.id)
    return alive & (Child.id.is_(None))


def child_overview(session, child_ids: list[int]) -> dict[int, dict]:
    """Return per child id: the open phase, the titles of active communities and the last logged session."""
    from sqlalchemy import func


    out: dict[int, dict] = {cid: {"phase": None, "communities": [], "last_participation": None}
                            for cid in child_ids}
    if not child_ids:
        return out
    for phase in session.scalars(select(Phase).where(Phase.child_id.in_(child_ids), Phase.end_date.is_(None))):
        out[phase.child_id]["phase"] = phase
    rows = session.execute(
        select(Referral.child_id, Offer.title, Mentor.name)
        .outerjoin(Offer, Offer.id == Referral.offer_id).outerjoin(Mentor, Mentor.id == Referral.mentor_id)
        .where(Referral.child_id.in_(child_ids), Referral.status.in_(("trial", "active")))
        .order_by(Referral.child_id, Referral.id))
    for cid, title, mentor in rows:
        out[cid]["communities"].append(title or f"Mentor: {mentor}")
    last = session.execute(
        select(Referral.child_id, func.max(Participation.date))
        .join(Participation, Participation.referral_id == Referral.id)
        .where(Referral.child_id.in_(child_ids), is_current()).group_by(Referral.child_id))
    for cid, day in last:
        out[cid]["last_participation"] = day
    return out
