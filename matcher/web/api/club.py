"""The referral loop in the API: share with the club, the club's referrals, answers and attendance."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import select

from matcher.accounts.models import Role
from matcher.clubs import operations as club_ops
from matcher.clubs.models import ClubAnswer
from matcher.pathways.models import Participation, Referral
from matcher.pathways.queries import is_current
from matcher.web.access import followed_child, followed_referral, log_child_access
from matcher.web.api import ApiError, bp, json_body, require_role
from matcher.web.api.children import FOLLOWERS, iso_date, only, typed
from matcher.web.api.serialise import _iso, answer_dict, answer_fields, participation_dict, referral_dict
from matcher.web.database import get_session
from matcher.web.search import today

SHARE_FIELDS = {"shared_with_club_on", "shared_with_club_scope", "shared_with_club_name"}
ANSWER_FIELDS = {"answer", "first_session_on", "met_by", "message", "suggested_offer_id"}
ATTENDANCE_FIELDS = {"date", "attended", "note"}


def club_referral_dict(referral: Referral, answer: ClubAnswer | None) -> dict:
    """Return what the club may see of a referral: the offer, the shared name and scope, its own answer."""
    return {"id": referral.id, "offer_id": referral.offer_id, "offer_title": referral.offer.title,
            "status": referral.status, "status_label": referral.status_label,
            "shared_with_club_on": _iso(referral.shared_with_club_on),
            "shared_with_club_name": referral.shared_with_club_name,
            "shared_with_club_scope": referral.shared_with_club_scope,
            "club_answer": answer.answer if answer else None, "answer": answer_dict(answer)}


def _club_referral(referral_id: int) -> Referral:
    require_role(Role.club_rep)
    try:
        return club_ops.club_referral(get_session(), current_user.user, referral_id, ip=request.remote_addr,
                                      purpose=f"API: forening {request.method} {request.path}")
    except club_ops.ClubReferralNotFound as exc:
        raise ApiError(404, exc.message, "referral_id", exc.code) from None


@bp.post("/referrals/<int:referral_id>/share")
def share_referral(referral_id: int):
    """Share the referral with the club, with the consent date; the club's representatives get a mail."""
    require_role(*FOLLOWERS)
    referral = followed_referral(referral_id)
    log_child_access(referral.child)
    body = only(json_body(), SHARE_FIELDS)
    consent_on = iso_date(body, "shared_with_club_on")
    if consent_on is None:
        raise ApiError(400, "shared_with_club_on mangler (datoen for samtykket)", "shared_with_club_on")
    club_ops.share_referral(get_session(), referral, current_user.user, consent_on=consent_on,
                            scope=typed(body, "shared_with_club_scope", str, "tekst", required=True),
                            shared_name=typed(body, "shared_with_club_name", str, "tekst", required=True))
    return jsonify(referral_with_answer(referral))


def referral_with_answer(referral: Referral) -> dict:
    """Return the staff view of a referral with the club's latest answer."""
    body = referral_dict(referral)
    body.update(answer_fields(club_ops.latest_answer(get_session(), referral.id), referral))
    return body


@bp.get("/club/referrals")
def list_club_referrals():
    """List the open referrals shared with the caller's club (club_rep only); every look-up is audited."""
    require_role(Role.club_rep)
    session = get_session()
    rows = club_ops.club_referrals(session, current_user.user, ip=request.remote_addr,
                                   purpose="API: foreningens delte henvisninger")
    answers = club_ops.latest_answers(session, [r.id for r in rows])
    return jsonify({"results": [club_referral_dict(r, answers.get(r.id)) for r in rows], "total": len(rows)})


@bp.post("/club/referrals/<int:referral_id>/answer")
def answer_club_referral(referral_id: int):
    """Answer a shared referral: welcome (with the first session's date) or no_room."""
    referral = _club_referral(referral_id)
    body = only(json_body(), ANSWER_FIELDS)
    answer = club_ops.answer_referral(
        get_session(), current_user.user, referral, answer=typed(body, "answer", str, "tekst", required=True),
        first_session_on=iso_date(body, "first_session_on"), met_by=typed(body, "met_by", str, "tekst"),
        message=typed(body, "message", str, "tekst"),
        suggested_offer_id=typed(body, "suggested_offer_id", int, "et helt tal"), today=today(),
        ip=request.remote_addr)
    return jsonify(club_referral_dict(referral, answer)), 201


@bp.post("/club/referrals/<int:referral_id>/attendance")
def club_attendance(referral_id: int):
    """Log whether the child came on a date, marked as logged by the club."""
    referral = _club_referral(referral_id)
    body = only(json_body(), ATTENDANCE_FIELDS)
    entry = club_ops.log_attendance(
        get_session(), current_user.user, referral, date=iso_date(body, "date") or today(),
        attended=typed(body, "attended", bool, "true eller false", required=True),
        note=typed(body, "note", str, "tekst"), today=today(), ip=request.remote_addr)
    return jsonify(club_participation_dict(entry)), 201


def club_participation_dict(entry: Participation) -> dict:
    """Return an entry the club logged, without anything else about the child."""
    return {"id": entry.id, "referral_id": entry.referral_id, "date": _iso(entry.date), "attended": entry.attended,
            "note": entry.note, "logged_by": "club", "logged_at": _iso(entry.logged_at)}


@bp.get("/children/<int:child_id>/participation")
def list_participation(child_id: int):
    """List the child's current participation entries, newest first, with who logged each."""
    require_role(*FOLLOWERS)
    child = followed_child(child_id)
    log_child_access(child)
    rows = get_session().scalars(
        select(Participation).join(Referral, Referral.id == Participation.referral_id)
        .where(Referral.child_id == child.id, is_current())
        .order_by(Participation.date.desc(), Participation.id.desc())).all()
    return jsonify({"results": [{**participation_dict(p), "logged_by": "club" if p.logged_by_club
                                 else "contact_person"} for p in rows], "total": len(rows)})
