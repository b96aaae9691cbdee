"""The club's side of a shared referral: look-ups (each audited), answers and attendance.

Every function loads, authorises, validates, acts and audits, and only flushes: the request or
command commits. A club representative sees a referral only when it is to one of the club's own
offers and a contact person shared it with consent; anything else is "not found".
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matcher.accounts.models import Role, User
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import Offer, OfferStatus
from matcher.clock import local_today
from matcher.clubs.models import CLUB_ANSWERS, ClubAnswer, WaitingListEntry
from matcher.clubs.notify import mail_club_of_share, mail_contact_person_of_answer
from matcher.db import utcnow
from matcher.messages import render
from matcher.pathways.checks import NotAllowed, check_free_text
from matcher.pathways.models import Participation, Referral, ReferralEvent
from matcher.pathways.referral_operations import ORDER, share_with_club
from matcher.privacy.audit import record

MAX_MESSAGE = 2000
MAX_AHEAD = dt.timedelta(days=366)


class ClubReferralNotFound(LookupError):
    """No referral with this id is shared with the caller's club (unknown, another club's or not shared)."""

    code = "club.referral_not_shared"

    def __init__(self, referral_id: int):
        super().__init__(render(self.code, {"id": referral_id}, "en"))
        self.message = render(self.code, {"id": referral_id})


def _require_club(user: User | None) -> int:
    if user is None or not user.active or user.role is not Role.club_rep or user.organisation_id is None:
        raise NotAllowed(user, "Kun en foreningskontakt med en forening kan se foreningens henvisninger")
    return user.organisation_id


def _shared_to(organisation_id: int):
    return (select(Referral).join(Offer, Offer.id == Referral.offer_id)
            .where(Offer.organisation_id == organisation_id, Referral.shared_with_club_on.is_not(None)))


def audit_club_lookup(session: Session, user: User, referral: Referral, purpose: str, ip: str | None,
                      action: str = "view") -> None:
    """Write one audit event for a club's look-up or change of a shared referral (the child is named)."""
    record(session, user, action, "referral", referral.id, child_id=referral.child_id, purpose=purpose, ip=ip)


def club_referrals(session: Session, user: User, *, ip: str | None = None,
                   purpose: str = "forening: delte henvisninger") -> list[Referral]:
    """Return the open referrals shared with the user's club, newest share first; each look-up is audited."""
    org_id = _require_club(user)
    rows = session.scalars(_shared_to(org_id).where(Referral.status != "ended")
                           .options(selectinload(Referral.offer))
                           .order_by(Referral.shared_with_club_on.desc(), Referral.id.desc())).all()
    for referral in rows:
        audit_club_lookup(session, user, referral, purpose, ip)
    return list(rows)


def club_referral(session: Session, user: User, referral_id: int, *, ip: str | None = None,
                  purpose: str = "forening: se delt henvisning") -> Referral:
    """Return one referral shared with the user's club (audited), or raise ClubReferralNotFound."""
    org_id = _require_club(user)
    referral = session.scalars(_shared_to(org_id).where(Referral.id == referral_id)).first()
    if referral is None:
        raise ClubReferralNotFound(referral_id)
    audit_club_lookup(session, user, referral, purpose, ip)
    return referral


def latest_answer(session: Session, referral_id: int) -> ClubAnswer | None:
    """Return the club's newest answer to the referral, if any."""
    return session.scalars(select(ClubAnswer).where(ClubAnswer.referral_id == referral_id)
                           .order_by(ClubAnswer.id.desc())).first()


def latest_answers(session: Session, referral_ids) -> dict[int, ClubAnswer]:
    """Return the newest answer per referral id."""
    out: dict[int, ClubAnswer] = {}
    ids = list(referral_ids)
    if not ids:
        return out
    for answer in session.scalars(select(ClubAnswer).where(ClubAnswer.referral_id.in_(ids))
                                  .order_by(ClubAnswer.id)):
        out[answer.referral_id] = answer
    return out


def other_offers(session: Session, referral: Referral) -> list[Offer]:
    """Return the club's other active offers it may suggest instead."""
    return list(session.scalars(select(Offer).where(
        Offer.organisation_id == referral.offer.organisation_id, Offer.id != referral.offer_id,
        Offer.status == OfferStatus.active).order_by(Offer.title)))


def answer_referral(session: Session, user: User, referral: Referral, *, answer: str | None,
                    first_session_on: dt.date | None = None, met_by: str | None = None,
                    message: str | None = None, suggested_offer_id: int | None = None,
                    today: dt.date | None = None, ip: str | None = None) -> ClubAnswer:
    """Record the club's answer; a welcome moves the referral to trial on the first session's date."""
    _require_club(user)
    today = today or local_today()
    rec = f"henvisning {referral.id}"
    if answer not in CLUB_ANSWERS:
        raise RecordError(rec, "answer", "club.answer")
    if referral.status == "ended":
        raise RecordError(rec, "answer", "club.referral_ended")
    message = check_free_text("message", message, rec) or None
    if message and len(message) > MAX_MESSAGE:
        raise RecordError(rec, "message", "too_long", max=MAX_MESSAGE)
    met_by = check_free_text("met_by", met_by, rec) or None
    if met_by and len(met_by) > 120:
        raise RecordError(rec, "met_by", "too_long", max=120)
    suggested = None
    if answer == "welcome":
        if first_session_on is None:
            raise RecordError(rec, "first_session_on", "club.first_session_required")
        if first_session_on < referral.status_since or first_session_on < referral.suggested_on:
            raise RecordError(rec, "first_session_on", "club.first_session_before_status",
                              date=referral.status_since.isoformat())
        if first_session_on > today + MAX_AHEAD:
            raise RecordError(rec, "first_session_on", "club.first_session_too_far")
        if suggested_offer_id is not None:
            raise RecordError(rec, "suggested_offer_id", "club.suggestion_only_no_room")
    else:
        if first_session_on is not None or met_by:
            raise RecordError(rec, "first_session_on", "club.welcome_fields")
        if suggested_offer_id is not None:
            suggested = next((o for o in other_offers(session, referral) if o.id == suggested_offer_id), None)
            if suggested is None:
                raise RecordError(rec, "suggested_offer_id", "club.suggestion_other_offer")
    row = ClubAnswer(referral=referral, answer=answer, first_session_on=first_session_on, met_by=met_by,
                     message=message, suggested_offer=suggested, answered_by_id=user.id)
    session.add(row)
    if answer == "welcome" and ORDER.index(referral.status) < ORDER.index("trial"):
        referral.events.append(ReferralEvent(from_status=referral.status, to_status="trial",
                                             effective_on=first_session_on, by_id=user.id))
        referral.status, referral.status_since, referral.status_changed_at = "trial", first_session_on, utcnow()
    referral.child.last_activity_at = utcnow()
    session.flush()
    audit_club_lookup(session, user, referral, f"forening: svar {answer}", ip, action="update")
    mail_contact_person_of_answer(session, referral)
    return row


def log_attendance(session: Session, user: User, referral: Referral, *, date: dt.date | None,
                   attended: bool | None, note: str | None = None, today: dt.date | None = None,
                   ip: str | None = None) -> Participation:
    """Log that the child came (or did not) on ``date``, marked as logged by the club."""
    _require_club(user)
    today = today or local_today()
    rec = f"deltagelse (henvisning {referral.id})"
    if referral.status == "ended":
        raise RecordError(f"henvisning {referral.id}", "status", "referral.ended")
    if date is None:
        raise RecordError(rec, "date", "date.required")
    if date > today:
        raise RecordError(rec, "date", "in_future")
    if date < referral.suggested_on:
        raise RecordError(rec, "date", "before_referral", date=referral.suggested_on.isoformat())
    if not isinstance(attended, bool):
        raise RecordError(rec, "attended", "club.attended_bool")
    note = check_free_text("note", note, rec) or None
    entry = Participation(referral=referral, date=date, attended=attended, accompanied_by="alone", note=note,
                          logged_by_id=user.id, logged_by_club=True)
    session.add(entry)
    if attended and (referral.first_session_on is None or date < referral.first_session_on):
        referral.first_session_on = date
    referral.child.last_activity_at = utcnow()
    session.flush()
    audit_club_lookup(session, user, referral, "forening: registrér fremmøde", ip, action="create")
    return entry


def share_referral(session: Session, referral: Referral, user: User, *, consent_on: dt.date, scope: str,
                   shared_name: str) -> Referral:
    """Share the referral with the club (with consent) and, the first time, mail the club's representatives."""
    first = referral.shared_with_club_on is None
    share_with_club(session, referral, user, consent_on=consent_on, scope=scope, shared_name=shared_name)
    if first and referral.offer is not None:
        mail_club_of_share(session, referral)
    return referral


def club_records_of_child(session: Session, child_id: int) -> dict:
    """Return the club answers and waiting-list entries about a child (for the right of access)."""
    ids = select(Referral.id).where(Referral.child_id == child_id)
    answers = session.scalars(select(ClubAnswer).where(ClubAnswer.referral_id.in_(ids)).order_by(ClubAnswer.id))
    waiting = session.scalars(select(WaitingListEntry).where(WaitingListEntry.referral_id.in_(ids))
                              .order_by(WaitingListEntry.id))
    day = lambda v: v.isoformat() if v is not None else None  # noqa: E731
    return {"club_answers": [{"referral_id": a.referral_id, "answer": a.answer, "first_session_on":
                              day(a.first_session_on), "met_by": a.met_by, "message": a.message,
                              "answered_at": day(a.answered_at)} for a in answers],
            "waiting_list": [{"referral_id": w.referral_id, "offer_id": w.offer_id, "added_at": day(w.added_at),
                              "notified_at": day(w.notified_at), "removed_at": day(w.removed_at)} for w in waiting]}


def forget_club_texts(session: Session, child_id: int) -> None:
    """Blank what clubs wrote about a child (message, who meets the child) when the child is erased."""
    ids = select(Referral.id).where(Referral.child_id == child_id)
    for answer in session.scalars(select(ClubAnswer).where(ClubAnswer.referral_id.in_(ids))):
        answer.message = answer.met_by = None
    session.flush()
