"""Reusable query pieces: the current view of participation, and who sees which children."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, select, true
from sqlalchemy.orm import aliased

from matcher.accounts.models import Role, User
from matcher.pathways.models import Child, Participation


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
        return alive if user.district_id is None else alive & (Child.district_id == user.district_id)
    if user.role is Role.contact_person:
        return alive & (Child.contact_person_id == user.id)
    return alive & (Child.id.is_(None))
