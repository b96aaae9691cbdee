"""A child's rights: access (everything held, with every look-up), erasure, and retention."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from matcher.catalogue.errors import RecordError
from matcher.clock import local_today
from matcher.clubs.operations import club_records_of_child, forget_club_texts
from matcher.db import parse_id, utcnow
from matcher.pathways.models import Child, IdempotentRequest, Participation, Phase, Referral, ReferralEvent
from matcher.pathways.operations import erase_child
from matcher.privacy.audit import event_dict, events_for_child, record
from matcher.shortlists.models import ShortlistItem

#: How long the first answer to a request with an idempotency key is kept for retries.
KEEP_STORED_ANSWERS = dt.timedelta(days=30)


def find_child(session: Session, ref: str) -> Child:
    """Return the child by pseudonymous code or numeric id."""
    ref = ref.strip()
    query = select(Child).where(Child.code == ref)
    if parse_id(ref):
        query = select(Child).where(or_(Child.code == ref, Child.id == parse_id(ref)))
    child = session.scalars(query).first()
    if child is None:
        raise RecordError("child", "code", "child.no_such", ref=repr(ref))
    return child



def forget_shortlist(session: Session, child: Child) -> int:
    """Delete the child's shortlist (offers chosen for a talk with the family: nothing anonymous to keep)."""
    return session.execute(delete(ShortlistItem).where(ShortlistItem.child_id == child.id)).rowcount


def _date(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_child(session: Session, child: Child, actor: Any = None, purpose: str = "indsigtsanmodning") -> dict:
    """Return everything held about the child as JSON-ready data and log the export."""
    phases = session.scalars(select(Phase).where(Phase.child_id == child.id).order_by(Phase.start_date)).all()
    referrals = session.scalars(select(Referral).where(Referral.child_id == child.id).order_by(Referral.id)).all()
    ids = [r.id for r in referrals]
    events = session.scalars(select(ReferralEvent).where(ReferralEvent.referral_id.in_(ids))
                             .order_by(ReferralEvent.id)).all() if ids else []
    entries = session.scalars(select(Participation).where(Participation.referral_id.in_(ids))
                              .order_by(Participation.id)).all() if ids else []
    data = {
        "child": {"id": child.id, "code": child.code, "birth_date": _date(child.birth_date),
                  "birth_year_only": child.birth_year_only, "gender": child.gender, "postcode": child.postcode,
                  "district": child.district.name if child.district else None, "interests": child.interests,
                  "languages": child.languages, "weekdays": child.weekdays,
                  "contact_person": child.contact_person.email if child.contact_person else None,
                  "created_at": _date(child.created_at), "last_activity_at": _date(child.last_activity_at),
                  "erased_at": _date(child.erased_at)},
        "network_persons": [{"id": p.id, "label": p.label, "relation": p.relation, "note": p.note}
                            for p in child.network],
        "phases": [{"id": p.id, "kind": p.kind, "start_date": _date(p.start_date), "end_date": _date(p.end_date),
                    "goal": p.goal, "closing_reason": p.closing_reason, "closing_note": p.closing_note}
                   for p in phases],
        "referrals": [{"id": r.id, "offer": r.offer.title if r.offer else None,
                       "organisation": r.offer.organisation.name if r.offer else None,
                       "mentor": r.mentor.name if r.mentor else None, "status": r.status,
                       "suggested_on": _date(r.suggested_on), "ended_on": _date(r.ended_on),
                       "end_reason": r.end_reason, "end_note": r.end_note,
                       "shared_with_club": {"on": _date(r.shared_with_club_on), "scope": r.shared_with_club_scope,
                                            "name": r.shared_with_club_name} if r.shared_with_club_on else None}
                      for r in referrals],
        "referral_events": [{"referral_id": e.referral_id, "from": e.from_status, "to": e.to_status,
                             "end_reason": e.end_reason, "on": _date(e.effective_on), "at": _date(e.at)}
                            for e in events],
        "participation": [{"id": p.id, "referral_id": p.referral_id, "date": _date(p.date), "attended": p.attended,
                           "accompanied_by": p.accompanied_by, "note": p.note, "logged_at": _date(p.logged_at),
                           "supersedes_id": p.supersedes_id, "voided": p.voided} for p in entries],
        "stored_answers": [{"method": a.method, "path": a.path, "status": a.response_status,
                            "created_at": _date(a.created_at), "body": a.response_body}
                           for a in session.scalars(select(IdempotentRequest).where(
                               IdempotentRequest.child_id == child.id).order_by(IdempotentRequest.id))],
    }
    data["shortlist"] = [{"offer": i.offer.title, "organisation": i.offer.organisation.name,
                          "added_at": _date(i.added_at), "source": i.source, "note": i.note}
                         for i in session.scalars(select(ShortlistItem).where(ShortlistItem.child_id == child.id)
                                                  .order_by(ShortlistItem.id))]
    data.update(club_records_of_child(session, child.id))  # what clubs answered, waiting lists
    # The look-ups come last and include this export itself (EU Court C-579/21).
    record(session, actor, "export", "child", child.id, child_id=child.id, purpose=purpose)
    data["access_log"] = [event_dict(e) for e in events_for_child(session, child.id)]
    return data


def erase(session: Session, child: Child, actor: Any = None, purpose: str = "sletning efter anmodning") -> Child:
    """Erase the child's personal data, keep anonymous dated rows, and log it."""
    if child.erased_at is not None:
        raise RecordError(f"child {child.id}", "code", "child.already_erased")
    forget_club_texts(session, child.id)  # before erase_child moves the referrals to an anonymous record
    erase_child(session, child)
    forget_stored_answers(session, child)
    forget_shortlist(session, child)
    record(session, actor, "erase", "child", child.id, child_id=child.id, purpose=purpose)
    return child


def forget_stored_answers(session: Session, child: Child | None = None, *,
                          before: dt.datetime | None = None) -> int:
    """Delete the stored answers to requests with an idempotency key about ``child``, or made ``before``.

    They copy the child's data (a referral as it was answered), so they go with the child's erasure and
    after :data:`KEEP_STORED_ANSWERS`. A retry after that is carried out again, which a status change
    refuses (it cannot go to the status it has). Return how many were deleted.
    """
    if child is None and before is None:
        raise ValueError("name a child or a time")
    query = delete(IdempotentRequest)
    if child is not None:
        query = query.where(IdempotentRequest.child_id == child.id)
    if before is not None:
        query = query.where(IdempotentRequest.created_at < before)
    return session.execute(query).rowcount


def last_activity(session: Session) -> Any:
    """Return a subquery of each child's last activity: the latest of record, referral and participation dates."""
    part = (select(Referral.child_id.label("child_id"), func.max(Participation.date).label("day"))
            .join(Participation, Participation.referral_id == Referral.id).group_by(Referral.child_id))
    ref = select(Referral.child_id.label("child_id"), func.max(Referral.status_since).label("day")) \
        .group_by(Referral.child_id)
    return part.union_all(ref).subquery()


def retention_candidates(session: Session, years: int, today: dt.date | None = None) -> list[Child]:
    """Return children not yet erased whose last activity is more than ``years`` years before ``today``."""
    today = today or local_today()
    cutoff = today.replace(year=today.year - years) if not (today.month == 2 and today.day == 29) \
        else today.replace(year=today.year - years, day=28)
    acts = last_activity(session)
    latest = select(acts.c.child_id, func.max(acts.c.day).label("day")).group_by(acts.c.child_id).subquery()
    children = session.scalars(select(Child).where(Child.erased_at.is_(None))).all()
    days = dict(session.execute(select(latest.c.child_id, latest.c.day)).all())
    out = []
    for child in children:
        day = days.get(child.id)
        candidates = [d for d in (day, child.last_activity_at and child.last_activity_at.date(),
                                  child.created_at and child.created_at.date()) if d]
        if max(candidates) < cutoff:
            out.append(child)
    return out


def run_retention(session: Session, years: int, today: dt.date | None = None) -> list[int]:
    """Erase every child past the retention period and stored answers past theirs; log each erasure.

    Return the ids of the erased children.
    """
    erased = []
    for child in retention_candidates(session, years, today):
        erase_child(session, child)
        forget_stored_answers(session, child)
        forget_shortlist(session, child)
        record(session, None, "retention", "child", child.id, child_id=child.id,
               purpose=f"opbevaringsperiode på {years} år udløbet", detail={"run_at": utcnow().isoformat()})
        erased.append(child.id)
    now = utcnow() if today is None else dt.datetime.combine(today, dt.time(), dt.timezone.utc)
    forget_stored_answers(session, before=now - KEEP_STORED_ANSWERS)
    return erased
