"""Load the catalogue as plain candidates, keep a fitted ranker per process, and match."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matcher.catalogue.models import InterestTerm as TermRow
from matcher.catalogue.models import Mentor, Offer, OfferKind
from matcher.catalogue.revision import current_revision
from matcher.catalogue.taxonomy import match_terms
from matcher.clock import local_today
from matcher.matching.geo import default_geocoder
from matcher.matching.learning import WeightProposal, propose_weights
from matcher.matching.profile import ChildProfile
from matcher.matching.ranker import Ranker
from matcher.matching.text import InterestMatcher
from matcher.matching.types import COMPONENTS, Candidate, InterestTerm, RankResult

KINDS = ("activity", "leisure-job", "mentor")
# A refit that took longer than this is done at most once per REFIT_INTERVAL seconds.
SLOW_FIT_SECONDS = 1.0
REFIT_INTERVAL = 60.0


def load_terms(session: Session) -> list[InterestTerm]:
    """Return the interest taxonomy as plain terms; mapped import terms join their target."""
    return match_terms(session)[0]


def _schedule(offer: Offer) -> tuple[tuple[str, str, str], ...]:
    rows = []
    for s in offer.schedules:
        if s.opens_at and s.closes_at:
            rows += [(d, s.opens_at.strftime("%H:%M"), s.closes_at.strftime("%H:%M")) for d in s.weekdays]
    return tuple(rows)


def offer_candidate(offer: Offer, mapped: dict[str, str]) -> Candidate:
    """Return the plain candidate for an offer (activity or leisure job)."""
    org = offer.organisation
    return Candidate(
        id=offer.id, external_id=offer.external_id,
        kind="leisure-job" if offer.kind is OfferKind.leisure_job else "activity",
        name=offer.title, organisation=org.name, description=offer.description or "",
        interests=tuple(dict.fromkeys(mapped.get(t.code, t.code) for t in offer.interests)),
        lat=offer.lat, lon=offer.lon, district=offer.district.name if offer.district else None,
        age_min=offer.age_min, age_max=offer.age_max,
        gender=offer.gender.value if offer.gender else None,
        weekdays=tuple(offer.weekdays), schedule=_schedule(offer),
        monthly_fee_dkk=float(offer.monthly_fee_dkk) if offer.monthly_fee_dkk is not None else None,
        fee_support=offer.fee_support, spots_free=offer.spots_free, status=offer.status.value,
        languages=tuple(offer.languages or ()), verified_at=offer.verified_at,
        inclusion=0.6 * org.vulnerable_experience + 0.4 * org.childcert_policy,
        light_work=offer.light_work, serves_alcohol=offer.serves_alcohol,
    )


def mentor_candidate(mentor: Mentor, matcher: InterestMatcher, centroids: dict[str, tuple[float, float]]) -> Candidate:
    """Return the plain candidate for a volunteer mentor, located at the postcode centroid."""
    codes: dict[str, float] = {}
    for interest in mentor.interests:
        for code, confidence in matcher.expand(interest).items():
            codes[code] = max(codes.get(code, 0.0), confidence)
    lat, lon = centroids.get(mentor.postcode or "", (None, None))
    return Candidate(
        id=mentor.id, external_id=mentor.external_id, kind="mentor", name=mentor.name,
        organisation=mentor.organisation.name if mentor.organisation else None,
        description=", ".join(mentor.interests), interests=tuple(codes),
        lat=lat, lon=lon, district=mentor.district.name if mentor.district else None,
        age_min=mentor.age_min, age_max=mentor.age_max, gender=None,
        weekdays=tuple(mentor.weekdays), schedule=(), monthly_fee_dkk=0.0, fee_support=False,
        spots_free=None, status="active", languages=tuple(mentor.languages or ()),
        verified_at=mentor.updated_at.date() if mentor.updated_at else None,
        inclusion=1.0 if mentor.childcert_valid_until else 0.5,
        childcert_valid_until=mentor.childcert_valid_until, approved=mentor.approved,
        max_children=mentor.max_children, current_children=mentor.current_children,
    )


def load_candidates(session: Session, matcher: InterestMatcher) -> list[Candidate]:
    """Return every offer (not mentoring programmes) and volunteer mentor as plain candidates."""
    mapped = {r.code: r.mapped_to.code for r in session.scalars(select(TermRow).where(TermRow.mapped_to_id.is_not(None)))}
    offers = session.scalars(
        select(Offer).where(Offer.kind != OfferKind.mentoring)
        .options(selectinload(Offer.organisation), selectinload(Offer.interests),
                 selectinload(Offer.schedules), selectinload(Offer.district))
        .execution_options(yield_per=5000))
    candidates = [offer_candidate(o, mapped) for o in offers]
    geocoder = default_geocoder()
    centroids = {pc: (lat, lon) for pc, (lat, lon, _name) in geocoder.postcodes().items()}
    mentors = session.scalars(select(Mentor).options(selectinload(Mentor.district), selectinload(Mentor.organisation)))
    candidates += [mentor_candidate(m, matcher, centroids) for m in mentors]
    return candidates


log = logging.getLogger(__name__)


def propose_from_outcomes(session: Session, today: dt.date | None = None) -> WeightProposal:
    """Fit weights on the components of referrals with a known 3-month outcome."""
    from matcher.pathways.indicators import referral_outcomes

    rows = referral_outcomes(session, today or local_today())
    x = np.array([[float(c.get(k, 0.0)) for k in COMPONENTS] for c, _ in rows], dtype=np.float64).reshape(-1, 6)
    y = np.array([outcome for _, outcome in rows], dtype=np.int64)
    return propose_weights(x, y)


@dataclass
class _Index:
    revision: int
    ranker: Ranker
    fitted_at: float
    fit_seconds: float
    proposal: WeightProposal | None


class MatchService:
    """Keeps one fitted ranker per database and process; refits when the catalogue's revision moves."""

    def __init__(self, weights: dict[str, float] | None = None, learn: bool = True):
        self.weights = weights
        self.learn = learn
        self._indexes: dict[str, _Index] = {}
        self._lock = threading.Lock()

    def ranker(self, session: Session) -> Ranker:
        """Return a ranker fitted on the current catalogue (refitting if it changed)."""
        key = session.get_bind().url.render_as_string(hide_password=True)
        revision = current_revision(session)
        index = self._indexes.get(key)
        if index is not None and index.revision == revision:
            return index.ranker
        if index is not None and index.fit_seconds > SLOW_FIT_SECONDS and \
                time.monotonic() - index.fitted_at < REFIT_INTERVAL:
            return index.ranker  # a national-scale refit is throttled; see README
        with self._lock:
            index = self._indexes.get(key)
            if index is not None and index.revision == revision:
                return index.ranker
            started = time.monotonic()
            weights, proposal = self.weights, None
            if weights is None and self.learn:
                proposal = propose_from_outcomes(session)
                if proposal.use_learned:
                    weights = proposal.weights
                    log.info("using weights learned from %d outcomes (CV AUC %.3f vs default %.3f)",
                             proposal.n_samples, proposal.cv_auc_learned, proposal.cv_auc_default)
            matcher = InterestMatcher(load_terms(session))
            ranker = Ranker(weights=weights, interest_matcher=matcher).fit(load_candidates(session, matcher))
            self._indexes[key] = _Index(revision, ranker, time.monotonic(), time.monotonic() - started, proposal)
            return ranker

    def clear(self) -> None:
        """Forget every fitted index (tests, or after restoring a backup)."""
        with self._lock:
            self._indexes.clear()

    def match(self, session: Session, child: dict[str, Any], kind: str = "activity", limit: int = 10,
              today: dt.date | None = None) -> RankResult:
        """Validate the child profile and rank candidates of ``kind``; raises ProfileError naming the field."""
        from matcher.matching.profile import ProfileError

        if kind not in KINDS:
            raise ProfileError("kind", f"skal være en af {', '.join(KINDS)}")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
            raise ProfileError("limit", "skal være et helt tal fra 1 til 100")
        profile = ChildProfile.from_dict(child, today=today or local_today())
        return self.ranker(session).rank(profile, kind=kind, limit=limit)


match_service = MatchService()
