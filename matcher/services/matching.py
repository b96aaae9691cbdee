"""Load the catalogue as plain candidates, keep a fitted ranker per runtime and database, and match."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select, union
from sqlalchemy.orm import Session

from matcher.catalogue.models import (
    District,
    Mentor,
    Organisation,
)
from matcher.catalogue.revision import MAX_CHANGED_ROWS, deleted_since, diff_base
from matcher.catalogue.reader import candidate, json_list, plain_text, read_offers
from matcher.catalogue.search import SearchIndexes, catalogue_stamp, database_key, search_index
from matcher.catalogue.taxonomy import mapped_codes, match_terms
from matcher.clock import local_today
from matcher.matching.geo import default_geocoder
from matcher.matching.index_update import update_ranker
from matcher.matching.keeper import IndexKeeper
from matcher.matching.store import IndexStore
from matcher.matching.learning import WeightProposal, propose_weights
from matcher.matching.profile import ChildProfile, ProfileError
from matcher.matching.ranker import Ranker
from matcher.matching.interests import InterestMatcher
from matcher.matching.types import COMPONENTS, Candidate, InterestTerm, RankResult
from matcher.pathways.indicators import referral_outcomes

KINDS = ("activity", "leisure-job", "mentor")
# A fit that took longer than this is not repeated inside a request: the previous index answers
# while a background thread refits, at most once per REFIT_INTERVAL seconds (less often when fits
# are long: see IndexKeeper.max_busy).
SLOW_FIT_SECONDS = 1.0
REFIT_INTERVAL = 60.0


def load_terms(session: Session) -> list[InterestTerm]:
    """Return the interest taxonomy as plain terms; mapped import terms join their target."""
    return match_terms(session)[0]


def _expand_all(matcher: InterestMatcher, interests: tuple[str, ...], memo: dict[str, dict[str, float]]) -> tuple[str, ...]:
    codes: dict[str, float] = {}
    for interest in interests:
        found = memo.get(interest)
        if found is None:
            found = memo[interest] = matcher.expand(interest)
        for code, confidence in found.items():
            codes[code] = max(codes.get(code, 0.0), confidence)
    return tuple(codes)


def load_candidates(session: Session, matcher: InterestMatcher, since: int | None = None,
                    offer_ids: set[int] | None = None) -> list[Candidate]:
    """Return every offer (not mentoring programmes) and volunteer mentor as plain candidates.

    With ``since``, only those changed after that catalogue revision (or whose organisation was);
    ``offer_ids`` then receives the ids of every offer read, mentoring programmes included.

    Reads columns in bulk, not ORM objects (seconds instead of a minute for a national catalogue);
    the candidates equal those built from ORM objects one by one (``tests/services/orm_candidates.py``).
    """
    conn = session.connection()
    mapped = mapped_codes(match_terms(session)[1])  # the taxonomy's own resolution, as search uses it
    districts = dict(conn.execute(select(District.id, District.name)).all())
    candidates = []
    for row in read_offers(session, since):
        if offer_ids is not None:
            offer_ids.add(row.id)
        if (c := candidate(row, mapped, districts)) is not None:
            candidates.append(c)
    parsed: dict[str | None, tuple] = {}
    geocoder = default_geocoder()
    centroids = {pc: (lat, lon) for pc, (lat, lon, _name) in geocoder.postcodes().items()}
    memo: dict[str, dict[str, float]] = {}
    for m in conn.execute(
            select(Mentor.id, Mentor.external_id, Mentor.name, Organisation.name.label("organisation"),
                   plain_text(Mentor.interests).label("interests"), Mentor.postcode, Mentor.district_id,
                   Mentor.age_min, Mentor.age_max, plain_text(Mentor.weekdays).label("weekdays"),
                   plain_text(Mentor.languages).label("languages"), Mentor.updated_at, Mentor.childcert_valid_until,
                   Mentor.approved, Mentor.max_children, Mentor.current_children)
            .outerjoin(Organisation, Organisation.id == Mentor.organisation_id)
            .where(*_changed_mentors(since)).order_by(Mentor.id)).all():
        lat, lon = centroids.get(m.postcode or "", (None, None))
        wanted = json_list(m.interests, parsed)
        candidates.append(Candidate(
            id=m.id, external_id=m.external_id, kind="mentor", name=m.name, organisation=m.organisation,
            description=", ".join(wanted), interests=_expand_all(matcher, wanted, memo),
            lat=lat, lon=lon, district=districts.get(m.district_id), age_min=m.age_min, age_max=m.age_max,
            gender=None, weekdays=json_list(m.weekdays, parsed), schedule=(), monthly_fee_dkk=0.0,
            fee_support=False, spots_free=None, status="active", languages=json_list(m.languages, parsed),
            verified_at=m.updated_at.date() if m.updated_at else None,
            inclusion=1.0 if m.childcert_valid_until else 0.5, childcert_valid_until=m.childcert_valid_until,
            approved=m.approved, max_children=m.max_children, current_children=m.current_children))
    return candidates


def _changed_mentors(since: int | None) -> tuple:
    """Return the condition "the mentor or its organisation changed after ``since``" (indexed look-ups)."""
    if since is None:
        return ()
    ids = union(select(Mentor.id).where(Mentor.changed_rev > since),
                select(Mentor.id).join(Organisation, Organisation.id == Mentor.organisation_id)
                .where(Organisation.changed_rev > since)).scalar_subquery()
    return (Mentor.id.in_(ids),)


log = logging.getLogger(__name__)


def propose_from_outcomes(session: Session, today: dt.date | None = None) -> WeightProposal:
    """Fit weights on the components of referrals with a known 3-month outcome."""
    rows = referral_outcomes(session, today or local_today())
    x = np.array([[float(c.get(k, 0.0)) for k in COMPONENTS] for c, _ in rows], dtype=np.float64).reshape(-1, 6)
    y = np.array([outcome for _, outcome in rows], dtype=np.int64)
    return propose_weights(x, y)


class MatchService:
    """Keeps one fitted ranker per database for one runtime; refits when the catalogue's revision moves.

    A quick fit (a municipal catalogue, tests) is repeated inside the request that notices the
    new revision; a slow one (a national catalogue) runs in a background thread while the
    previous ranker answers (``IndexKeeper``). Under gunicorn the master fits once before it
    forks, so every worker, including one forked to replace a killed worker, starts with it.
    ``today`` is the runtime clock's Copenhagen date, read on every match and fit.
    """

    def __init__(self, weights: dict[str, float] | None = None, learn: bool = True,
                 today: Callable[[], dt.date] = local_today):
        self.weights = weights
        self.learn = learn
        self.today = today
        self.indexes: IndexKeeper[Ranker] = IndexKeeper("match index", slow_seconds=SLOW_FIT_SECONDS,
                                                        refresh_interval=REFIT_INTERVAL)

    def ranker(self, session: Session) -> Ranker:
        """Return a ranker fitted on the current catalogue (or the previous one while a slow refit runs)."""
        stamp = catalogue_stamp(session)
        update = None if session.info.get("catalogue_bumped") else self._updater(session, stamp)
        return self.indexes.get(database_key(session), stamp, lambda: self.fit(session), self._fit_later(session),
                                update)

    def _updater(self, session: Session, stamp: tuple[int, str]):
        def update(held, ranker: Ranker) -> bool | None:
            """Apply the offers and mentors changed or deleted since revision ``held`` (``update_ranker``)."""
            since = diff_base(session, held, stamp)
            if since is None:
                return None
            offers: set[int] = set()
            candidates = load_candidates(session, ranker.matcher_ or InterestMatcher([]), since, offers)
            gone = deleted_since(session, since)
            mentors = {c.id for c in candidates if c.kind == "mentor"} | gone["mentor"]
            if len(offers) + len(mentors) + len(gone["offer"]) > MAX_CHANGED_ROWS:
                return None
            return update_ranker(ranker, candidates, offers | gone["offer"], mentors)

        return update

    def fit(self, session: Session) -> Ranker:
        """Fit a new ranker on the catalogue as ``session`` sees it (weights learned from outcomes if better)."""
        weights = self.weights
        if weights is None and self.learn:
            proposal = propose_from_outcomes(session, self.today())
            if proposal.use_learned:
                weights = proposal.weights
                log.info("using weights learned from %d outcomes (CV AUC %.3f vs default %.3f)",
                         proposal.n_samples, proposal.cv_auc_learned, proposal.cv_auc_default)
        matcher = InterestMatcher(load_terms(session))
        return Ranker(weights=weights, interest_matcher=matcher).fit(load_candidates(session, matcher))

    def _fit_later(self, session: Session) -> Callable[[], tuple[tuple[int, str], Ranker]]:
        bind = session.get_bind()

        def fit() -> tuple[tuple[int, str], Ranker]:
            with Session(bind=bind) as own:  # a transaction of its own, in a background thread
                stamp = catalogue_stamp(own)  # first, so the ranker is never older than its label
                return stamp, self.fit(own)

        return fit

    def clear(self) -> None:
        """Forget every fitted index (tests, or after restoring a backup)."""
        self.indexes.clear()

    def match(self, session: Session, child: dict[str, Any], kind: str = "activity", limit: int = 10,
              today: dt.date | None = None) -> RankResult:
        """Validate the child profile and rank candidates of ``kind``; raises ProfileError naming the field."""
        if kind not in KINDS:
            raise ProfileError("kind", "one_of", allowed=", ".join(KINDS))
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
            raise ProfileError("limit", "profile.limit")
        today = today or self.today()
        profile = ChildProfile.from_dict(child, today=today)
        return self.ranker(session).rank(profile, kind=kind, limit=limit, today=today)


def use_index_store(folder: str | Path, search: SearchIndexes, matching: MatchService) -> None:
    """Keep slow-to-build search and match indexes of these holders as files in ``folder`` (see ``IndexStore``)."""
    search.indexes.store = IndexStore(folder, "search")
    matching.indexes.store = IndexStore(folder, "match")


def build_indexes(session: Session, search: SearchIndexes, matching: MatchService,
                  save: bool = False) -> dict[str, float]:
    """Build (or read from the index store) the search and match indexes of the catalogue ``session`` sees.

    Returns the seconds each index took to build; with ``save`` both are written to the store
    however quick they were.
    """
    search_index(session, search)
    matching.ranker(session)
    key, out = database_key(session), {}
    for name, keeper in (("search", search.indexes), ("match", matching.indexes)):
        built = keeper.peek(key)
        out[name] = built.seconds
        if save and keeper.store is not None:
            keeper.store.save(key, built.revision, built.value, built.seconds)
    return out
