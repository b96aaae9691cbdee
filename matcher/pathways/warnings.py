"""Warnings that contact persons and key staff see: nothing may stop abruptly unnoticed.

Each warning is ``{"type", "child_id", "referral_id", "message", "since"}`` with a
Danish message and ``since`` (ISO date) the day the situation began:

``no_participation``        an active referral without an attended session for N days;
                            since = the last attended session (or the day it became active)
``missed_in_row``           the last N logged sessions were all missed; since = the first of them
``fritidspakke_no_bridge``  a Fritidspakke running longer than N days without a planned bridge
                            (an open referral to a leisure job or a mentor); since = phase start
``childcert_expiring``      a mentor of an open referral whose children's certificate expires
                            within N days (or has expired); since = expiry minus N days
``suggested_stale``         a referral stuck in "suggested" for N days; since = suggested day
``last_referral_ended``     a child in a running phase whose referrals have all ended; returned by
                            ``change_status`` when it happens and listed here until something
                            follows; since = the day the last referral ended
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from matcher.accounts.models import User
from matcher.catalogue.models import Mentor, Offer, OfferKind
from matcher.clock import local_today
from matcher.db import session_runtime
from matcher.pathways.models import Child, Participation, Phase, Referral
from matcher.pathways.queries import is_current, visible_children
from matcher.pathways.referral_operations import LAST_REFERRAL_ENDED
from matcher.pathways.settings import WarningSettings

WARNING_TYPES = {
    "no_participation": "Ingen deltagelse",
    "missed_in_row": "Udeblevet flere gange i træk",
    "fritidspakke_no_bridge": "Fritidspakke uden planlagt bro",
    "childcert_expiring": "Mentors børneattest udløber",
    "suggested_stale": "Henvisning står stille som foreslået",
    "last_referral_ended": "Sidste aktive fællesskab afsluttet",
}


def _warning(kind: str, child_id: int, referral_id: int | None, message: str, since: dt.date) -> dict[str, Any]:
    return {"type": kind, "child_id": child_id, "referral_id": referral_id, "message": message,
            "since": since.isoformat()}


def _d(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def warnings_for(session: Session, user: User, as_of: dt.date | None = None,
                 settings: WarningSettings | None = None) -> list[dict[str, Any]]:
    """Return the warnings about the children ``user`` follows or oversees, as of ``as_of``."""
    as_of = as_of or local_today()
    s = settings or session_runtime(session).warning_settings
    seen = visible_children(user)
    found = (_no_participation(session, seen, as_of, s) + _missed_in_row(session, seen, as_of, s)
             + _fritidspakke(session, seen, as_of, s) + _childcert(session, seen, as_of, s)
             + _suggested(session, seen, as_of, s) + _nothing_follows(session, seen, as_of))
    return sorted(found, key=lambda w: (w["since"], w["type"], w["child_id"], w["referral_id"] or 0))


def _no_participation(session, seen, as_of, s) -> list[dict[str, Any]]:
    last = (select(Participation.referral_id, func.max(Participation.date).label("last"))
            .where(Participation.attended.is_(True), is_current(), Participation.date <= as_of)
            .group_by(Participation.referral_id).subquery())
    since = func.coalesce(last.c.last, Referral.active_since)
    rows = session.execute(
        select(Referral.id, Referral.child_id, last.c.last, Referral.active_since)
        .join(Child, Child.id == Referral.child_id).outerjoin(last, last.c.referral_id == Referral.id)
        .where(seen, Referral.status == "active",
               since <= as_of - dt.timedelta(days=s.no_participation_days))).all()
    out = []
    for rid, cid, last_day, active_since in rows:
        if last_day is not None:
            msg = f"Ingen deltagelse registreret i {(as_of - last_day).days} dage (sidst {_d(last_day)})"
        else:
            msg = f"Ingen deltagelse registreret, siden henvisningen blev aktiv {_d(active_since)}"
        out.append(_warning("no_participation", cid, rid, msg, last_day or active_since))
    return out


def _missed_in_row(session, seen, as_of, s) -> list[dict[str, Any]]:
    n = s.missed_in_row
    ranked = (select(Participation.referral_id, Participation.date, Participation.attended,
                     func.row_number().over(partition_by=Participation.referral_id,
                                            order_by=(Participation.date.desc(), Participation.id.desc()))
                     .label("rn"))
              .where(is_current(), Participation.date <= as_of).subquery())
    streaks = (select(ranked.c.referral_id, func.min(ranked.c.date).label("first"))
               .where(ranked.c.rn <= n).group_by(ranked.c.referral_id)
               .having(and_(func.count() == n, func.max(case((ranked.c.attended, 1), else_=0)) == 0))
               .subquery())
    rows = session.execute(
        select(Referral.id, Referral.child_id, streaks.c.first)
        .join(Child, Child.id == Referral.child_id).join(streaks, streaks.c.referral_id == Referral.id)
        .where(seen, Referral.status.in_(("trial", "active")))).all()
    return [_warning("missed_in_row", cid, rid, f"Udeblevet de sidste {n} gange i træk (siden {_d(first)})",
                     first) for rid, cid, first in rows]


def _fritidspakke(session, seen, as_of, s) -> list[dict[str, Any]]:
    bridge_planned = (select(Referral.id).outerjoin(Offer, Offer.id == Referral.offer_id)
                      .where(Referral.child_id == Phase.child_id, Referral.status != "ended",
                             or_(Referral.mentor_id.is_not(None),
                                 Offer.kind.in_((OfferKind.leisure_job, OfferKind.mentoring))))
                      .exists())
    rows = session.execute(
        select(Phase.child_id, Phase.start_date).join(Child, Child.id == Phase.child_id)
        .where(seen, Phase.kind == "fritidspakke", Phase.end_date.is_(None),
               Phase.start_date <= as_of - dt.timedelta(days=s.fritidspakke_days), ~bridge_planned)).all()
    return [_warning("fritidspakke_no_bridge", cid, None,
                     f"Fritidspakken har varet {(as_of - start).days} dage uden en planlagt bro til "
                     "Fritidsjob eller Fritidsliv med Mentor", start) for cid, start in rows]


def _childcert(session, seen, as_of, s) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Referral.id, Referral.child_id, Mentor.name, Mentor.childcert_valid_until)
        .join(Child, Child.id == Referral.child_id).join(Mentor, Mentor.id == Referral.mentor_id)
        .where(seen, Referral.status != "ended", Mentor.childcert_valid_until.is_not(None),
               Mentor.childcert_valid_until <= as_of + dt.timedelta(days=s.childcert_days))).all()
    out = []
    for rid, cid, name, until in rows:
        verb = "udløb" if until < as_of else "udløber"
        out.append(_warning("childcert_expiring", cid, rid, f"Mentor {name}s børneattest {verb} {_d(until)}",
                            until - dt.timedelta(days=s.childcert_days)))
    return out


def _suggested(session, seen, as_of, s) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Referral.id, Referral.child_id, Referral.status_since)
        .join(Child, Child.id == Referral.child_id)
        .where(seen, Referral.status == "suggested",
               Referral.status_since <= as_of - dt.timedelta(days=s.suggested_days))).all()
    return [_warning("suggested_stale", cid, rid, f"Foreslået {_d(since)} og endnu ikke kontaktet – "
                     f"{(as_of - since).days} dage", since) for rid, cid, since in rows]


def _nothing_follows(session, seen, as_of) -> list[dict[str, Any]]:
    in_phase = select(Phase.id).where(Phase.child_id == Referral.child_id, Phase.end_date.is_(None)).exists()
    other = aliased(Referral)
    still_open = select(other.id).where(other.child_id == Referral.child_id, other.status != "ended").exists()
    rows = session.execute(
        select(Referral.child_id, Referral.id, Referral.ended_on).join(Child, Child.id == Referral.child_id)
        .where(seen, Referral.status == "ended", Referral.ended_on <= as_of, in_phase, ~still_open)
        .order_by(Referral.child_id, Referral.ended_on, Referral.id)).all()
    latest = {cid: (rid, ended) for cid, rid, ended in rows}
    return [_warning("last_referral_ended", cid, rid, LAST_REFERRAL_ENDED, ended)
            for cid, (rid, ended) in latest.items()]
