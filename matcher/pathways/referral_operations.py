"""Referral and participation operations; each only flushes, the caller commits.

Idempotency keys (one mechanism for every unsafe write) live in ``matcher.pathways.idempotency``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from matcher.accounts.models import User
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import Mentor, Offer
from matcher.clock import local_today
from matcher.db import utcnow
from matcher.pathways.checks import check_free_text, require_follow
from matcher.pathways.models import (
    ACCOMPANIED_BY,
    END_REASONS,
    REFERRAL_STATUSES,
    Child,
    NetworkPerson,
    Participation,
    Phase,
    Referral,
    ReferralEvent,
)
from matcher.pathways.idempotency import KeyReused, claim_key, remember_answer, request_digest  # noqa: F401
from matcher.pathways.queries import is_current

ORDER = list(REFERRAL_STATUSES)
LAST_REFERRAL_ENDED = "Barnets sidste aktive fællesskab er afsluttet – planlæg hvad der skal følge"
_KEEP = object()


@dataclass
class StatusChange:
    """The result of a status change: the referral, the recorded event and any warnings."""

    referral: Referral
    event: ReferralEvent
    warnings: list[dict[str, Any]] = field(default_factory=list)


def _day(on: dt.date | None, field_name: str, record: str, today: dt.date | None = None) -> dt.date:
    today = today or local_today()
    on = on or today
    if on > today:
        raise RecordError(record, field_name, "in_future")
    return on


def create_referral(session: Session, child: Child, *, user: User | None, offer: Offer | None = None,
                    mentor: Mentor | None = None, on: dt.date | None = None, match_score: float | None = None,
                    match_components: dict[str, float] | None = None) -> Referral:
    """Suggest ``child`` for exactly one offer or mentor, keeping the matcher's score for learning."""
    if (offer is None) == (mentor is None):
        raise RecordError("henvisning", "offer_id", "referral.one_target")
    if user is not None:
        require_follow(user, child)
    on = _day(on, "suggested_on", "henvisning")
    if child.erased_at is not None:
        raise RecordError("henvisning", "child_id", "referral.child_erased")
    target = (Referral.offer_id == offer.id) if offer is not None else (Referral.mentor_id == mentor.id)
    if session.scalar(select(exists().where(Referral.child_id == child.id, Referral.status != "ended", target))):
        raise RecordError("henvisning", "offer_id" if offer is not None else "mentor_id",
                          "referral.duplicate")
    phase = session.scalars(select(Phase).where(Phase.child_id == child.id, Phase.end_date.is_(None))).first()
    referral = Referral(child=child, offer=offer, mentor=mentor, phase=phase, status="suggested",
                        created_by=user, suggested_on=on, status_since=on, status_changed_at=utcnow(),
                        match_score=match_score,
                        match_components=dict(match_components) if match_components is not None else None)
    referral.events.append(ReferralEvent(from_status=None, to_status="suggested", effective_on=on, by=user))
    session.add(referral)
    child.last_activity_at = utcnow()
    session.flush()
    return referral


def change_status(session: Session, referral: Referral, status: str, *, user: User | None,
                  end_reason: str | None = None, end_note: str | None = None,
                  on: dt.date | None = None) -> StatusChange:
    """Move a referral forward; ending needs an ``end_reason`` and may warn that something must follow."""
    record = f"henvisning {referral.id}"
    if status not in REFERRAL_STATUSES:
        raise RecordError(record, "status", "one_of", allowed=", ".join(ORDER))
    if ORDER.index(status) <= ORDER.index(referral.status):
        raise RecordError(record, "status", "referral.status_order",
                          old=REFERRAL_STATUSES[referral.status], new=REFERRAL_STATUSES[status])
    on = _day(on, "on", record)
    # A club's welcome may date the trial ahead (the first session); a change before that day is allowed.
    if on < min(referral.status_since, local_today()):
        raise RecordError(record, "on", "referral.before_status",
                          date=referral.status_since.isoformat())
    if status == "ended":
        if end_reason not in END_REASONS:
            raise RecordError(record, "end_reason", "referral.end_reason", allowed=", ".join(END_REASONS))
        end_note = check_free_text("end_note", end_note, record)
        if end_reason == "other" and not end_note:
            raise RecordError(record, "end_note", "referral.end_note")
    elif end_reason is not None:
        raise RecordError(record, "end_reason", "referral.end_reason_only_when_ending")
    event = ReferralEvent(from_status=referral.status, to_status=status, end_reason=end_reason,
                          effective_on=on, by=user)
    referral.events.append(event)
    referral.status, referral.status_since, referral.status_changed_at = status, on, utcnow()
    if status == "active" and referral.active_since is None:
        referral.active_since = on
    if status == "ended":
        referral.end_reason, referral.end_note, referral.ended_on = end_reason, end_note, on
    referral.child.last_activity_at = utcnow()
    session.flush()
    result = StatusChange(referral, event)
    if status == "ended" and _needs_successor(session, referral):
        result.warnings.append({"type": "last_referral_ended", "child_id": referral.child_id,
                                "referral_id": referral.id, "message": LAST_REFERRAL_ENDED,
                                "since": on.isoformat()})
    return result


def _needs_successor(session: Session, referral: Referral) -> bool:
    """Return whether the child is in a running phase and has no other open referral."""
    in_phase = session.scalar(select(exists().where(Phase.child_id == referral.child_id,
                                                    Phase.end_date.is_(None))))
    others = session.scalar(select(exists().where(Referral.child_id == referral.child_id,
                                                  Referral.id != referral.id, Referral.status != "ended")))
    return bool(in_phase and not others)


def _check_entry(referral: Referral, date: dt.date, accompanied_by: str,
                 network_person: NetworkPerson | None, note: str | None, today: dt.date | None) -> str | None:
    record = f"deltagelse (henvisning {referral.id})"
    _day(date, "date", record, today)
    if date < referral.suggested_on:
        raise RecordError(record, "date", "before_referral",
                          date=referral.suggested_on.isoformat())
    if accompanied_by not in ACCOMPANIED_BY:
        raise RecordError(record, "accompanied_by", "one_of", allowed=", ".join(ACCOMPANIED_BY))
    if network_person is not None and network_person.child_id != referral.child_id:
        raise RecordError(record, "network_person_id", "phase.network_other_child")
    return check_free_text("note", note, record)


def log_participation(session: Session, referral: Referral, user: User | None, *, date: dt.date, attended: bool,
                      accompanied_by: str = "alone", network_person: NetworkPerson | None = None,
                      note: str | None = None, today: dt.date | None = None,
                      system: bool = False) -> Participation:
    """Log one session of a referral for a child the user follows (retries: ``idempotency.once``).

    ``system=True`` (the go-live import) logs without a user and skips the "must be yours" check.
    """
    if not system:
        require_follow(user, referral.child)
    if referral.status == "ended":
        raise RecordError(f"henvisning {referral.id}", "status", "referral.ended")
    if network_person is not None and accompanied_by == "alone":
        accompanied_by = "network"
    note = _check_entry(referral, date, accompanied_by, network_person, note, today)
    entry = Participation(referral=referral, date=date, attended=bool(attended), accompanied_by=accompanied_by,
                          network_person=network_person, note=note, logged_by=user)
    session.add(entry)
    session.flush()
    if attended and (referral.first_session_on is None or date < referral.first_session_on):
        referral.first_session_on = date
    referral.child.last_activity_at = utcnow()
    session.flush()
    return entry


def correct_participation(session: Session, entry: Participation, user: User | None, *,
                          date: dt.date | None = None, attended: bool | None = None,
                          accompanied_by: str | None = None, network_person: NetworkPerson | None | object = _KEEP,
                          note: str | None | object = _KEEP, voided: bool = False,
                          today: dt.date | None = None, system: bool = False) -> Participation:
    """Record a correction as a new entry superseding ``entry``; the old row is kept as history."""
    referral = entry.referral
    if not system:
        require_follow(user, referral.child)
    superseded = session.scalar(select(exists().where(Participation.supersedes_id == entry.id)))
    if superseded or entry.voided:
        raise RecordError(f"deltagelse {entry.id}", "supersedes_id", "participation.superseded")
    person = entry.network_person if network_person is _KEEP else network_person
    new = Participation(
        referral=referral, date=entry.date if date is None else date,
        attended=entry.attended if attended is None else bool(attended),
        accompanied_by=accompanied_by or entry.accompanied_by, network_person=person,
        note=entry.note if note is _KEEP else note, logged_by=user, supersedes=entry, voided=voided)
    new.note = _check_entry(referral, new.date, new.accompanied_by, person, new.note, today)
    session.add(new)
    session.flush()
    referral.first_session_on = session.scalar(
        select(func.min(Participation.date))
        .where(Participation.referral_id == referral.id, Participation.attended.is_(True), is_current()))
    session.flush()
    return new


def share_with_club(session: Session, referral: Referral, user: User, *, consent_on: dt.date, scope: str,
                    shared_name: str) -> Referral:
    """Record what the club may see, with the consent date; clubs see nothing else about the child."""
    require_follow(user, referral.child)
    record = f"henvisning {referral.id}"
    consent_on = _day(consent_on, "shared_with_club_on", record)
    scope = check_free_text("shared_with_club_scope", scope, record)
    if not scope:
        raise RecordError(record, "shared_with_club_scope", "referral.share_scope")
    name = check_free_text("shared_with_club_name", shared_name, record) or ""
    if not name or len(name) > 40 or any(ch.isdigit() for ch in name) or len(name.split()) > 1:
        raise RecordError(record, "shared_with_club_name", "referral.share_name")
    referral.shared_with_club_on, referral.shared_with_club_scope = consent_on, scope
    referral.shared_with_club_name = name
    session.flush()
    return referral
