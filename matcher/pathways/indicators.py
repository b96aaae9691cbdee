"""The indicators the municipality follows up on, per period and district, with a baseline.

Definitions (the reference day is the period's last day, or today while it runs):

- children counted: children with a phase open, or a referral existing, at any time in the period;
- in a positive community: an attended session within the ``community_days`` (30) days ending on
  the reference day;
- stable adult relation: on the reference day an active mentor referral (a mentor, or an offer of
  kind mentoring), or an active referral with an attended session in the same window where a named
  network person accompanied the child;
- bridges: phases of kind fritidsjob or mentor starting in the period right after a Fritidspakke;
  median days = the Fritidspakke's length (start to the bridge day);
- retention at 3 (6) months: of referrals whose first attended session lies in the period shifted
  back 3 (6) months, the share with an attended session 90 (180) days or more after it, counting
  sessions up to the reference day (``referral_outcomes`` applies the same rule);
- end reasons: referrals that ended in the period, by reason;
- catalogue: per district, free spots of active offers and stale listings (verified longer ago
  than ``stale_after_days`` before the reference day, or never) — a snapshot of today's catalogue.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import District, Offer, OfferKind, OfferStatus
from matcher.db import MAX_ID, parse_id, session_runtime
from matcher.pathways.models import BRIDGE_TARGETS, END_REASONS, Child, Participation, Phase, Referral
from matcher.pathways.periods import Period
from matcher.pathways.queries import is_current
from matcher.pathways.settings import IndicatorSettings

RETENTION = {"retention_3m": (3, 90), "retention_6m": (6, 180)}
SUCCESS_DAYS = 90


@dataclass
class _Facts:
    """Child-level facts of one period, before they are counted per district."""

    period: Period
    ref: dt.date
    counted: set[int]
    community: set[int]
    stable: set[int]
    bridges: list[tuple[int, str, int]]
    retention: dict[str, list[tuple[int, bool]]]
    ended: list[tuple[int, str]]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _active_on(day: dt.date):
    return and_(Referral.active_since <= day, or_(Referral.ended_on.is_(None), Referral.ended_on > day))


def _facts(session: Session, period: Period, today: dt.date | None, s: IndicatorSettings) -> _Facts:
    ref = period.reference_day(today)
    start, end = period.start, period.end
    window = (ref - dt.timedelta(days=s.community_days - 1), ref)
    phase_open = (select(Phase.id).where(Phase.child_id == Child.id, Phase.start_date <= end,
                                         or_(Phase.end_date.is_(None), Phase.end_date >= start)).exists())
    referral_open = (select(Referral.id).where(Referral.child_id == Child.id, Referral.suggested_on <= end,
                                               or_(Referral.ended_on.is_(None), Referral.ended_on >= start))
                     .exists())
    counted = set(session.scalars(select(Child.id).where(or_(phase_open, referral_open))))
    attended_in_window = and_(Participation.attended.is_(True), is_current(),
                              Participation.date.between(*window))
    community = set(session.scalars(select(Referral.child_id).distinct()
                                    .join(Participation, Participation.referral_id == Referral.id)
                                    .where(attended_in_window)))
    mentor = set(session.scalars(
        select(Referral.child_id).distinct().outerjoin(Offer, Offer.id == Referral.offer_id)
        .where(_active_on(ref), or_(Referral.mentor_id.is_not(None), Offer.kind == OfferKind.mentoring))))
    network = set(session.scalars(
        select(Referral.child_id).distinct().join(Participation, Participation.referral_id == Referral.id)
        .where(_active_on(ref), attended_in_window, Participation.network_person_id.is_not(None))))
    pred = aliased(Phase)
    bridges = [(cid, kind, (p_end - p_start).days) for cid, kind, p_kind, p_start, p_end in session.execute(
        select(Phase.child_id, Phase.kind, pred.kind, pred.start_date, pred.end_date)
        .join(pred, pred.id == Phase.predecessor_id)
        .where(pred.kind.in_(list(BRIDGE_TARGETS)), Phase.start_date.between(start, ref)))
        if kind in BRIDGE_TARGETS[p_kind]]
    sessions = session.execute(
        select(Referral.id, Referral.child_id, func.min(Participation.date), func.max(Participation.date))
        .join(Participation, Participation.referral_id == Referral.id)
        .where(Participation.attended.is_(True), is_current(), Participation.date <= ref)
        .group_by(Referral.id, Referral.child_id)).all()
    retention = {}
    for key, (months, days) in RETENTION.items():
        lo, hi = period.shifted(-months)
        retention[key] = [(cid, last >= first + dt.timedelta(days=days))
                          for _rid, cid, first, last in sessions if lo <= first <= hi]
    ended = list(session.execute(select(Referral.child_id, Referral.end_reason)
                                 .where(Referral.status == "ended", Referral.ended_on.between(start, ref))))
    return _Facts(period, ref, counted, community & counted, (mentor | network) & counted, bridges,
                  retention, [(c, r) for c, r in ended])


def _summary(f: _Facts, keep: Callable[[int], bool]) -> dict[str, Any]:
    counted = {c for c in f.counted if keep(c)}
    community = {c for c in f.community if keep(c)}
    stable = {c for c in f.stable if keep(c)}
    bridges = [b for b in f.bridges if keep(b[0])]
    days = [b[2] for b in bridges]
    median = statistics.median(days) if days else None
    out: dict[str, Any] = {
        "period": f.period.label, "start": f.period.start.isoformat(), "end": f.period.end.isoformat(),
        "reference_day": f.ref.isoformat(),
        "children_counted": len(counted),
        "in_positive_community": {"count": len(community), "share": _share(len(community), len(counted))},
        "stable_adult_relation": {"count": len(stable), "share": _share(len(stable), len(counted))},
        "bridges": {"count": len(bridges), "to_fritidsjob": sum(b[1] == "fritidsjob" for b in bridges),
                    "to_mentor": sum(b[1] == "mentor" for b in bridges),
                    "median_days_in_fritidspakke": int(median) if median is not None and median == int(median)
                    else median},
    }
    for key, rows in f.retention.items():
        mine = [r for c, r in rows if keep(c)]
        out[key] = {"eligible": len(mine), "retained": sum(mine), "share": _share(sum(mine), len(mine))}
    reasons = dict.fromkeys(END_REASONS, 0)
    for c, reason in f.ended:
        if keep(c):
            reasons[reason] += 1
    out["end_reasons"] = reasons
    return out


def _catalogue(session: Session, ref: dt.date, district_id: int | None, s: IndicatorSettings) -> dict[str, Any]:
    stale_before = ref - dt.timedelta(days=s.stale_after_days)
    stale = case((and_(Offer.id.is_not(None), or_(Offer.verified_at.is_(None), Offer.verified_at < stale_before)), 1),
                 else_=0)
    rows = session.execute(
        select(District.name, func.coalesce(func.sum(Offer.spots_free), 0), func.coalesce(func.sum(stale), 0))
        .outerjoin(Offer, and_(Offer.district_id == District.id, Offer.status == OfferStatus.active))
        .where(District.id == district_id if district_id is not None else District.id.is_not(None))
        .group_by(District.id, District.name, District.number).order_by(District.number)).all()
    return {name: {"free_spots": int(free), "stale_listings": int(n)} for name, free, n in rows}


def resolve_district(session: Session, district: District | int | str | None) -> District | None:
    """Return the district given as object, id, name or slug (None = all of Copenhagen)."""
    if district is None or isinstance(district, District):
        return district
    if isinstance(district, int) or str(district).isdigit():
        district_id = district if isinstance(district, int) else parse_id(str(district))
        found = session.get(District, district_id) if district_id is not None and 0 < district_id <= MAX_ID else None
    else:
        found = session.scalars(select(District).where(
            or_(func.lower(District.name) == str(district).lower(), District.slug == str(district).lower()))).first()
    if found is None:
        raise RecordError("rapport", "district", f"ukendt bydel: {district!r}")
    return found


def _district_map(session: Session) -> dict[int, int | None]:
    return dict(session.execute(select(Child.id, Child.district_id)).all())


def compute_indicators(session: Session, period: Period | str, district: District | int | str | None = None,
                       today: dt.date | None = None, settings: IndicatorSettings | None = None) -> dict[str, Any]:
    """Return the indicators of ``period`` (and its ``baseline``, the period before), JSON-ready."""
    period = Period.parse(period) if isinstance(period, str) else period
    s = settings or session_runtime(session).indicator_settings
    found = resolve_district(session, district)
    where = _district_map(session)
    names = dict(session.execute(select(District.id, District.name)).all())

    def keep(child_id: int) -> bool:
        return found is None or where.get(child_id) == found.id

    current, before = _facts(session, period, today, s), _facts(session, period.previous(), today, s)
    result = {**_summary(current, keep), "district": found.name if found else None}
    result["catalogue"] = _catalogue(session, current.ref, found.id if found else None, s)
    result["baseline"] = {**_summary(before, keep), "district": found.name if found else None}
    if found is None:
        result["per_district"] = {
            names[d]: {**_summary(current, lambda c, d=d: where.get(c) == d),
                       "baseline": _summary(before, lambda c, d=d: where.get(c) == d)}
            for d in sorted(names, key=lambda i: names[i])}
    return result


def referral_outcomes(session: Session, as_of: dt.date) -> list[tuple[dict[str, float], int]]:
    """Return ``(match_components, success)`` for referrals whose first session is 90+ days before ``as_of``.

    A referral succeeds (1) when the child attended a session 90 days or more after the
    first attended session; referrals without stored components are left out.
    """
    spans = (select(Participation.referral_id, func.min(Participation.date).label("first"),
                    func.max(Participation.date).label("last"))
             .where(Participation.attended.is_(True), is_current(), Participation.date <= as_of)
             .group_by(Participation.referral_id).subquery())
    rows = session.execute(
        select(Referral.id, Referral.match_components, spans.c.first, spans.c.last)
        .join(spans, spans.c.referral_id == Referral.id).order_by(Referral.id)).all()
    horizon = dt.timedelta(days=SUCCESS_DAYS)
    return [(components, int(last >= first + horizon)) for _id, components, first, last in rows
            if components is not None and first <= as_of - horizon]


def suppress_small(counts: dict[str, Any], marker: Any = None, below: int = 5) -> dict[str, Any]:
    """Return ``counts`` with every count from 1 to ``below - 1`` replaced by ``marker``."""
    return {k: marker if isinstance(v, int) and not isinstance(v, bool) and 0 < v < below else v
            for k, v in counts.items()}
