"""Pathway operations: children, network, phases; each only flushes, the caller commits.

Referral and participation operations live in ``referral_operations`` and are
re-exported here so that callers have one place to import from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from matcher.accounts.models import User
from matcher.catalogue.errors import RecordError
from matcher.clock import local_today
from matcher.db import utcnow
from matcher.pathways.checks import check_free_text
from matcher.pathways.models import (
    CLOSING_REASONS,
    PHASE_KINDS,
    Child,
    NetworkPerson,
    Participation,
    Phase,
    Referral,
    WarningAction,
)
from matcher.pathways.child_operations import CODE_TAKEN, create_child, generate_code, update_child  # noqa: F401
from matcher.pathways.models import ReferralEvent
from matcher.pathways.referral_operations import (  # noqa: F401
    StatusChange,
    change_status,
    correct_participation,
    create_referral,
    log_participation,
    share_with_club,
)


def add_network_person(session: Session, child: Child, label: str, *, relation: str = "",
                       note: str | None = None) -> NetworkPerson:
    """Add someone from the family's network (a first name or a role like "moster")."""
    label = check_free_text("label", label, "netværksperson") or ""
    if not label:
        raise RecordError("netværksperson", "label", "network.label")
    person = NetworkPerson(child=child, label=label[:80],
                           relation=(check_free_text("relation", relation, "netværksperson") or "")[:80],
                           note=check_free_text("note", note, "netværksperson"))
    session.add(person)
    session.flush()
    return person


def open_phase(session: Session, child: Child) -> Phase | None:
    """Return the child's phase that has not ended, if any."""
    return session.scalars(select(Phase).where(Phase.child_id == child.id, Phase.end_date.is_(None))).first()


def start_phase(session: Session, child: Child, kind: str, *, start_date: dt.date, goal: str | None = None,
                responsible: User | None = None, network_persons: Iterable[NetworkPerson] = ()) -> Phase:
    """Start a phase; a running phase ends the same day as its successor starts (the bridge)."""
    if kind not in PHASE_KINDS:
        raise RecordError("fase", "kind", "one_of", allowed=", ".join(PHASE_KINDS))
    if start_date > local_today():
        raise RecordError("fase", "start_date", "in_future")
    persons = list(network_persons)
    if any(p.child_id != child.id for p in persons):
        raise RecordError("fase", "network_persons", "phase.network_other_child")
    predecessor = open_phase(session, child)
    if predecessor is not None:
        if start_date < predecessor.start_date:
            raise RecordError("fase", "start_date", "phase.before_open",
                              date=predecessor.start_date.isoformat())
        predecessor.end_date = start_date
        predecessor.closing_reason = "bridged"
        session.flush()
    phase = Phase(child=child, kind=kind, start_date=start_date, goal=check_free_text("goal", goal, "fase"),
                  responsible=responsible, predecessor=predecessor, network_persons=persons)
    session.add(phase)
    child.last_activity_at = utcnow()
    session.flush()
    return phase


def close_phase(session: Session, phase: Phase, *, reason: str, end_date: dt.date,
                note: str | None = None) -> Phase:
    """End a phase without a successor; a reason from the fixed list is required."""
    if phase.end_date is not None:
        raise RecordError("fase", "end_date", "phase.closed")
    if reason == "bridged" or reason not in CLOSING_REASONS:
        allowed = ", ".join(r for r in CLOSING_REASONS if r != "bridged")
        raise RecordError("fase", "closing_reason", "phase.closing_reason", allowed=allowed)
    note = check_free_text("closing_note", note, "fase")
    if reason == "other" and not note:
        raise RecordError("fase", "closing_note", "phase.closing_note")
    if end_date < phase.start_date or end_date > local_today():
        raise RecordError("fase", "end_date", "phase.end_date")
    phase.end_date, phase.closing_reason, phase.closing_note = end_date, reason, note
    session.flush()
    return phase


def erase_child(session: Session, child: Child) -> Child:
    """Blank the child's personal fields and detach the dated rows from the child's id; return the child.

    Phases, referrals, their events and participation stay for the anonymous counts, but move to a new
    anonymous record (same district, no code, no dates of its own) and lose who logged them: the audit log,
    which keeps the child's id for good, then leads to no dated timeline of the child's life.
    """
    child.code = child.birth_date = child.postcode = child.interests = None
    child.languages = child.weekdays = None
    child.gender, child.birth_year_only, child.erased_at = "unknown", False, utcnow()
    child.contact_person, child.last_activity_at = None, None
    for person in child.network:
        person.label, person.relation, person.note = "", "", None
    session.flush()
    for phase in session.scalars(select(Phase).where(Phase.child_id == child.id)):
        phase.goal = phase.closing_note = None
    for referral in session.scalars(select(Referral).where(Referral.child_id == child.id)):
        referral.end_note = referral.shared_with_club_scope = referral.shared_with_club_name = None
    # Handled/snoozed warnings are working notes about the child's days: they go with the child.
    session.execute(delete(WarningAction).where(WarningAction.child_id == child.id)
                    .execution_options(synchronize_session=False))
    session.flush()
    _detach_timeline(session, child)
    return child


def _detach_timeline(session: Session, child: Child) -> None:
    """Move the child's dated rows to a new anonymous record and clear who made them (bulk statements)."""
    from sqlalchemy import update


    anonymous = Child(district_id=child.district_id, gender="unknown", erased_at=child.erased_at,
                      created_at=child.erased_at)
    session.add(anonymous)
    session.flush()
    referral_ids = select(Referral.id).where(Referral.child_id == child.id).scalar_subquery()
    statements = [
        update(ReferralEvent).where(ReferralEvent.referral_id.in_(referral_ids)).values(by_id=None),
        update(Participation).where(Participation.referral_id.in_(referral_ids)).values(note=None, logged_by_id=None),
        update(Referral).where(Referral.child_id == child.id).values(child_id=anonymous.id, created_by_id=None),
        update(Phase).where(Phase.child_id == child.id).values(child_id=anonymous.id, responsible_user_id=None),
        update(NetworkPerson).where(NetworkPerson.child_id == child.id).values(child_id=anonymous.id),
    ]
    for statement in statements:
        session.execute(statement.execution_options(synchronize_session=False))
    session.expire_all()  # loaded rows still name the old child
