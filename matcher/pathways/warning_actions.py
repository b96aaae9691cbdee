"""Warnings to act on: each names the activity or mentor and the last session, and can be handled or snoozed.

``current_warnings`` adds to each of ``warnings_for``'s entries an ``id`` (type, child, referral and
``since``), ``offer_id``/``offer_name``, ``mentor_id``/``mentor_name``, ``target_name``,
``last_session_on`` (the last logged session, attended or not) and ``state`` (``open``, ``handled`` or
``snoozed``, with ``handled_note``/``snoozed_until``/``acted_on``). ``act_on_warning`` records a decision.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from matcher.accounts.models import User
from matcher.catalogue.errors import RecordError
from matcher.clock import local_today
from matcher.pathways.checks import check_free_text
from matcher.pathways.models import Participation, Referral, WarningAction
from matcher.pathways.queries import is_current
from matcher.pathways.settings import WarningSettings
from matcher.pathways.warnings import warnings_for
from matcher.privacy.audit import record as audit

#: The longest a warning can be snoozed.
MAX_SNOOZE_DAYS = 183


def warning_id(w: dict[str, Any]) -> str:
    """Return the warning's stable id: ``type:child:referral:since`` (referral 0 when none)."""
    return f"{w['type']}:{w['child_id']}:{w['referral_id'] or 0}:{w['since']}"


def current_warnings(session: Session, user: User, as_of: dt.date | None = None,
                     settings: WarningSettings | None = None, include_closed: bool = False) -> list[dict[str, Any]]:
    """Return the user's warnings with names, last session and state; handled and snoozed ones only on request."""
    as_of = as_of or local_today()
    found = warnings_for(session, user, as_of, settings)
    _add_targets(session, found, as_of)
    _add_state(session, found, as_of)
    return found if include_closed else [w for w in found if w["state"] == "open"]


def _add_targets(session: Session, found: list[dict[str, Any]], as_of: dt.date) -> None:
    referral_ids = {w["referral_id"] for w in found if w["referral_id"]}
    child_ids = {w["child_id"] for w in found}
    referrals = {r.id: r for r in session.scalars(
        select(Referral).where(Referral.id.in_(referral_ids))
        .options(selectinload(Referral.offer), selectinload(Referral.mentor)))} if referral_ids else {}
    last_of_referral, last_of_child = {}, {}
    if child_ids:
        rows = session.execute(
            select(Referral.child_id, Participation.referral_id, func.max(Participation.date))
            .join(Referral, Referral.id == Participation.referral_id)
            .where(Referral.child_id.in_(child_ids), is_current(), Participation.date <= as_of)
            .group_by(Referral.child_id, Participation.referral_id)).all()
        for child_id, referral_id, last in rows:
            last_of_referral[referral_id] = last
            last_of_child[child_id] = max(last, last_of_child.get(child_id, last))
    for w in found:
        r = referrals.get(w["referral_id"])
        offer, mentor = (r.offer, r.mentor) if r is not None else (None, None)
        last = last_of_referral.get(w["referral_id"]) if r is not None else last_of_child.get(w["child_id"])
        w.update(id=warning_id(w), offer_id=offer.id if offer else None, offer_name=offer.title if offer else None,
                 mentor_id=mentor.id if mentor else None, mentor_name=mentor.name if mentor else None,
                 target_name=offer.title if offer else (f"Mentor: {mentor.name}" if mentor else None),
                 last_session_on=last.isoformat() if last else None)


def _add_state(session: Session, found: list[dict[str, Any]], as_of: dt.date) -> None:
    child_ids = {w["child_id"] for w in found}
    latest: dict[str, WarningAction] = {}
    if child_ids:
        for a in session.scalars(select(WarningAction).where(WarningAction.child_id.in_(child_ids))
                                 .order_by(WarningAction.id)):
            latest[f"{a.warning_type}:{a.child_id}:{a.referral_id or 0}:{a.since.isoformat()}"] = a
    for w in found:
        a = latest.get(w["id"])
        state = "open"
        if a is not None and a.action == "handled":
            state = "handled"
        elif a is not None and a.snoozed_until is not None and a.snoozed_until > as_of:
            state = "snoozed"
        w.update(state=state, handled_note=a.note if a is not None and state == "handled" else None,
                 snoozed_until=a.snoozed_until.isoformat() if state == "snoozed" else None,
                 acted_on=a.at.isoformat() if a is not None and state != "open" else None)


def act_on_warning(session: Session, user: User, wanted: str, action: str, *, note: str | None = None,
                   until: dt.date | None = None, as_of: dt.date | None = None,
                   ip: str | None = None) -> WarningAction:
    """Mark one of the user's current warnings handled (a note is required) or snooze it until a later day."""
    as_of = as_of or local_today()
    record = "advarsel"
    warning = next((w for w in current_warnings(session, user, as_of, include_closed=True) if w["id"] == wanted),
                   None)
    if warning is None:
        raise RecordError(record, "warning", "warning.gone")
    note = check_free_text("note", note, record) or None
    if action == "handled":
        if not note:
            raise RecordError(record, "note", "warning.note")
        until = None
    elif action == "snoozed":
        if until is None:
            raise RecordError(record, "snoozed_until", "warning.snooze_day")
        if until <= as_of:
            raise RecordError(record, "snoozed_until", "warning.snooze_past")
        if until > as_of + dt.timedelta(days=MAX_SNOOZE_DAYS):
            raise RecordError(record, "snoozed_until", "warning.snooze_far", days=MAX_SNOOZE_DAYS)
    else:
        raise RecordError(record, "action", "warning.action")
    row = WarningAction(child_id=warning["child_id"], referral_id=warning["referral_id"],
                        warning_type=warning["type"], since=dt.date.fromisoformat(warning["since"]), action=action,
                        note=note, snoozed_until=until, by_id=user.id)
    session.add(row)
    session.flush()

    audit(session, user, "update", "warning", row.id, child_id=row.child_id, ip=ip,
          purpose="advarsel håndteret" if action == "handled" else "advarsel udsat",
          detail={"warning": warning["type"], "action": action,
                  "snoozed_until": until.isoformat() if until else None})
    return row
