"""Referral and participation operations and idempotency keys; each only flushes, the caller commits."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
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
    IdempotentRequest,
    NetworkPerson,
    Participation,
    Phase,
    Referral,
    ReferralEvent,
)
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
        raise RecordError(record, field_name, "kan ikke ligge i fremtiden")
    return on


def create_referral(session: Session, child: Child, *, user: User | None, offer: Offer | None = None,
                    mentor: Mentor | None = None, on: dt.date | None = None, match_score: float | None = None,
                    match_components: dict[str, float] | None = None) -> Referral:
    """Suggest ``child`` for exactly one offer or mentor, keeping the matcher's score for learning."""
    if (offer is None) == (mentor is None):
        raise RecordError("henvisning", "offer_id", "angiv præcis ét tilbud eller én mentor")
    on = _day(on, "suggested_on", "henvisning")
    if child.erased_at is not None:
        raise RecordError("henvisning", "child_id", "barnet er slettet")
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
        raise RecordError(record, "status", f"skal være en af {', '.join(ORDER)}")
    if ORDER.index(status) <= ORDER.index(referral.status):
        raise RecordError(record, "status", f"kan ikke gå fra {REFERRAL_STATUSES[referral.status]} "
                                            f"til {REFERRAL_STATUSES[status]}")
    on = _day(on, "on", record)
    # A club's welcome may date the trial ahead (the first session); a change before that day is allowed.
    if on < min(referral.status_since, local_today()):
        raise RecordError(record, "on", "kan ikke ligge før den nuværende status "
                                        f"({referral.status_since.isoformat()})")
    if status == "ended":
        if end_reason not in END_REASONS:
            raise RecordError(record, "end_reason", f"angiv en årsag: {', '.join(END_REASONS)}")
        end_note = check_free_text("end_note", end_note, record)
        if end_reason == "other" and not end_note:
            raise RecordError(record, "end_note", "skriv en note, når årsagen er 'andet'")
    elif end_reason is not None:
        raise RecordError(record, "end_reason", "kun når henvisningen afsluttes")
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


class KeyReused(RecordError):
    """An idempotency key the user already sent with another request (other path or body)."""

    def __init__(self, message: str):
        super().__init__("forespørgsel", "idempotency_key", message)


def request_digest(body: Any) -> str:
    """Return the SHA-256 of ``body`` as canonical JSON, so key order and spacing do not matter."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def claim_key(session: Session, user: User, key: str, *, method: str, path: str, body: Any,
              child: Child | None = None) -> IdempotentRequest:
    """Insert the user's key before the change; if the key was used, return that request with its answer.

    Call it first in the request's transaction and check ``answered`` on the result: a new row is not
    answered yet (do the change, then :func:`remember_answer`); an earlier row carries the first answer to
    send again. On PostgreSQL a concurrent request with the same key waits on the unique (user, key) index
    until the first one commits, then reads its answer here. Raises :class:`KeyReused` when the key came
    with another method, path or body, or (which only a missing :func:`remember_answer` can cause) without
    a stored answer.

    Only successful answers are stored. An error answer rolls back the whole transaction, this row included,
    so a corrected retry with the same key is carried out instead of getting the error again; nothing was
    changed by the failed attempt, so nothing can happen twice.
    """
    digest = request_digest(body)
    row = IdempotentRequest(user_id=user.id, key=key, method=method, path=path, body_sha256=digest,
                            child_id=child.id if child is not None else None)
    try:
        with session.begin_nested():  # the savepoint keeps the session usable when the key is taken
            session.add(row)
            session.flush()
        return row
    except IntegrityError:
        earlier = session.scalars(select(IdempotentRequest).where(
            IdempotentRequest.user_id == user.id, IdempotentRequest.key == key)).first()
        if earlier is None:
            raise
    if (earlier.method, earlier.path, earlier.body_sha256) != (method, path, digest):
        raise KeyReused("er allerede brugt til en anden forespørgsel – send en ny nøgle")
    if not earlier.answered:
        raise KeyReused("den første forespørgsel med nøglen gav intet svar – send en ny nøgle")
    return earlier


def remember_answer(session: Session, claim: IdempotentRequest, status: int, body: dict[str, Any]) -> None:
    """Store the successful answer on the claimed key, for a retry to get it again."""
    claim.response_status, claim.response_body = status, body
    session.flush()


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
        raise RecordError(record, "date", "kan ikke ligge før henvisningen "
                                          f"({referral.suggested_on.isoformat()})")
    if accompanied_by not in ACCOMPANIED_BY:
        raise RecordError(record, "accompanied_by", f"skal være en af {', '.join(ACCOMPANIED_BY)}")
    if network_person is not None and network_person.child_id != referral.child_id:
        raise RecordError(record, "network_person_id", "netværkspersonen hører til et andet barn")
    return check_free_text("note", note, record)


def log_participation(session: Session, referral: Referral, user: User, *, date: dt.date, attended: bool,
                      accompanied_by: str = "alone", network_person: NetworkPerson | None = None,
                      note: str | None = None, idempotency_key: str | None = None,
                      today: dt.date | None = None) -> Participation:
    """Log one session of a referral for a child the user follows; a repeated key returns the first entry."""
    require_follow(user, referral.child)
    if idempotency_key is not None:
        earlier = session.scalars(select(Participation)
                                  .where(Participation.idempotency_key == idempotency_key)).first()
        if earlier is not None:
            if earlier.referral_id != referral.id:
                raise RecordError("deltagelse", "idempotency_key", "er brugt til en anden henvisning")
            return earlier
    if referral.status == "ended":
        raise RecordError(f"henvisning {referral.id}", "status", "henvisningen er afsluttet")
    if network_person is not None and accompanied_by == "alone":
        accompanied_by = "network"
    note = _check_entry(referral, date, accompanied_by, network_person, note, today)
    entry = Participation(referral=referral, date=date, attended=bool(attended), accompanied_by=accompanied_by,
                          network_person=network_person, note=note, logged_by=user,
                          idempotency_key=idempotency_key)
    try:
        with session.begin_nested():  # two requests racing with one key: the second gets the first's entry
            session.add(entry)
            session.flush()
    except IntegrityError:
        earlier = session.scalars(select(Participation).where(
            Participation.idempotency_key == idempotency_key)).first() if idempotency_key else None
        if earlier is None or earlier.referral_id != referral.id:
            raise
        return earlier
    if attended and (referral.first_session_on is None or date < referral.first_session_on):
        referral.first_session_on = date
    referral.child.last_activity_at = utcnow()
    session.flush()
    return entry


def correct_participation(session: Session, entry: Participation, user: User, *, date: dt.date | None = None,
                          attended: bool | None = None, accompanied_by: str | None = None,
                          network_person: NetworkPerson | None | object = _KEEP,
                          note: str | None | object = _KEEP, voided: bool = False,
                          today: dt.date | None = None) -> Participation:
    """Record a correction as a new entry superseding ``entry``; the old row is kept as history."""
    referral = entry.referral
    require_follow(user, referral.child)
    superseded = session.scalar(select(exists().where(Participation.supersedes_id == entry.id)))
    if superseded or entry.voided:
        raise RecordError(f"deltagelse {entry.id}", "supersedes_id", "er allerede rettet – ret den nyeste")
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
        raise RecordError(record, "shared_with_club_scope", "beskriv hvad der må deles med foreningen")
    name = check_free_text("shared_with_club_name", shared_name, record) or ""
    if not name or len(name) > 40 or any(ch.isdigit() for ch in name) or len(name.split()) > 1:
        raise RecordError(record, "shared_with_club_name", "kun fornavn eller initialer, fx 'Sara' eller 'S.K.'")
    referral.shared_with_club_on, referral.shared_with_club_scope = consent_on, scope
    referral.shared_with_club_name = name
    session.flush()
    return referral
