"""Test data made through the product's own operations: users, children, offers and referrals.

Every fixture that needs a user, a child, an offer or a referral makes it here, so a rule an operation
enforces (password policy, a club representative's organisation, key staff's district, the birth year, one
offer *or* one mentor per referral) holds for test data too, and a change of an operation's signature is
made in one place. Organisations have no operation of their own (they come from imports), so
``make_organisation`` adds the row directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from matcher.accounts.models import User
from matcher.accounts.operations import create_user, find_district
from matcher.catalogue.models import Mentor, Offer, Organisation, OrganisationKind
from matcher.catalogue.new_offers import create_offer
from matcher.pathways import operations as ops
from matcher.pathways.models import Child, Referral

#: The password of every user the factories make (it passes the password policy).
PASSWORD = "Test-kodeord-123"


def make_user(session: Session, email: str, role: str, *, password: str = PASSWORD, name: str = "",
              district_name: str | None = None, organisation: Organisation | str | None = None) -> User:
    """Create a user through ``create_user``: key staff take ``district_name``, club representatives ``organisation``."""
    if isinstance(organisation, Organisation):
        session.flush()
        organisation = organisation.external_id or str(organisation.id)
    district_id = find_district(session, district_name).id if district_name else None
    return create_user(session, email, role, password, name=name, organisation=organisation,
                       district_id=district_id)


def make_organisation(session: Session, name: str, kind: OrganisationKind = OrganisationKind.sports_club, *,
                      district_name: str | None = None, **fields: Any) -> Organisation:
    """Add an organisation (organisations come from imports, so there is no operation to call); flush."""
    district_id = find_district(session, district_name).id if district_name else None
    org = Organisation(name=name, kind=kind, district_id=district_id, **fields)
    session.add(org)
    session.flush()
    return org


def make_offer(session: Session, organisation: Organisation, title: str, *, user: User | None = None,
               kind: str = "activity", **values: Any) -> Offer:
    """Create an active offer of ``organisation`` through ``create_offer`` (the club's and the API's operation)."""
    return create_offer(session, organisation, {"title": title, "kind": kind, **values}, user, needs_review=False)


def make_child(session: Session, code: str | None, contact_person: User, **fields: Any) -> Child:
    """Create a child followed by ``contact_person`` through ``create_child`` (``fields``: its other arguments)."""
    return ops.create_child(session, code, contact_person=contact_person, **fields)


def make_referral(session: Session, child: Child, user: User, *, offer: Offer | None = None,
                  mentor: Mentor | None = None, on: dt.date | None = None,
                  steps: Iterable[tuple] = (), **fields: Any) -> tuple[Referral, list]:
    """Refer ``child`` to ``offer`` or ``mentor`` and apply ``steps`` = (status, date[, end reason]) in order.

    Return the referral and the warnings the status changes gave.
    """
    referral = ops.create_referral(session, child, user=user, offer=offer, mentor=mentor, on=on, **fields)
    warnings: list = []
    for status, day, *reason in steps:
        change = ops.change_status(session, referral, status, user=user, on=day,
                                   end_reason=reason[0] if reason else None)
        warnings += change.warnings
    return referral, warnings
