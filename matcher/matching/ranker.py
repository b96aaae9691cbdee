"""The ranker: a scikit-learn style estimator that scores all candidates for one child."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import numpy as np
from sklearn.base import BaseEstimator

from . import scoring
from .alternatives import Wish, alternative_codes, interest_notes, tagged_mask, understood_dict, wishes
from .chunks import RowChunks
from .diversity import coverage_matrix, mmr, similarity_matrix
from .features import Block, build_block, weekday_mask
from .geo import Geocoder, default_geocoder
from .profile import ChildProfile
from .reasons import reasons_for
from .rules import beyond_distance, effective_fee, exclusion_masks
from .interests import InterestMatcher, Understanding
from .text import normalise, tokenise
from .tfidf import CharTfidf
from .types import COMPONENTS, KINDS, Candidate, InterestTerm, Match, RankResult

__all__ = ["DEFAULT_WEIGHTS", "Ranker"]

#: Default weights of the soft components (interest dominant, then distance); they need not sum to 1.
#: Chosen among four hand-made candidates on the evaluation set (bench/eval_match.py): a child
#: reaching a club on foot matters more than price, inclusion or freshness, which mostly break ties.
DEFAULT_WEIGHTS = {
    "interest": 0.50,
    "distance": 0.30,
    "weekday": 0.08,
    "affordability": 0.06,
    "inclusion": 0.04,
    "freshness": 0.02,
}
#: How many of the best candidates MMR re-ranks (at least; ``limit * 5`` if larger).
MMR_POOL = 50
#: Score factor for a candidate about something the child said no to ("ikke fodbold"), even when it
#: is also about something asked for ("fitness og boksning" for "not boxing, gym").
NEGATED = 0.3
#: Share of the usual redundancy between two offers for the child's wishes when there are several.
WISH_REDUNDANCY = 0.5
#: Reason shown on a match placed above a better-scored one for diversity.
OTHER_KIND = "Et andet slags tilbud end ovenfor"


class Ranker(BaseEstimator):
    """Rank offers, leisure jobs or mentors for one child.

    Hard constraints exclude a candidate and are counted per reason (a
    candidate is counted once, under the first failing reason in
    ``rules.EXCLUSION_REASONS``): ``not_active``, ``age`` (outside the
    offer's ages, incl. a leisure job's minimum age), ``gender`` (girls-only
    offers exclude boys and vice versa; children with gender ``other`` or
    ``unknown`` are never excluded, a note is shown instead),
    ``young_worker`` (leisure jobs: under 13; under 16 — assumed to be in
    compulsory school — light work only, no alcohol, ≤2 h on a school day,
    ≤7 h on other days, ≤12 h a week, nothing 20:00-06:00; 16-17: ≤8 h a
    day, ≤40 h a week; a job with no schedule is kept, with a note),
    ``mentor_not_approved``, ``childcert`` (mentor without a certificate
    valid today for a child under 15; for 15-17 only a note),
    ``mentor_capacity``, ``no_free_spots`` (``spots_free == 0`` unless the
    profile accepts a waiting list), ``fee`` (the fee after Kontingentstøtte,
    83 kr./month when the offer accepts it, above ``max_monthly_fee_dkk``;
    unknown fees are kept) and ``distance`` (beyond ``max_distance_km``;
    candidates without a location are kept).

    The score is ``Σ w_c · component_c / Σ w_c`` over the components
    ``interest`` (taxonomy codes via :class:`InterestMatcher` blended 3:1 with
    TF-IDF char n-gram cosine; 0.5 if the child gave no interests),
    ``distance`` (``exp(-km / distance_scale_km)``; 0.5 if unknown),
    ``weekday`` (share of the offer's days the child can; 1 if either gave
    none), ``affordability`` (1 if free or covered by support, then
    ``exp(-fee / 250 kr)``; 0.5 if an activity's fee is unknown, 1 for an
    unpriced leisure job or mentor), ``inclusion`` and
    ``freshness`` (1 if verified within ``freshness_days``, then exponential
    decay; 0.3 if never verified). Default weights: interest 0.5, distance
    0.3, weekday 0.08, affordability 0.06, inclusion 0.04, freshness 0.02.

    The interest text is read by :meth:`InterestMatcher.understand`: refused interests ("IKKE
    fodbold", "no football") multiply a candidate's score by ``NEGATED`` (0.3) and are named in
    its reasons and in ``components["not_wanted"]``; needs ("et sted at være efter skole") call
    for the offers that meet them; each interest named is a *wish*. A wish's siblings in the
    taxonomy graph count as alternatives with ``ALTERNATIVE`` (0.35) × closeness, raised when
    fewer than 3 of its offers are left and to the full closeness when none is (the wish's
    offers were all excluded): then the reason says why and what is proposed instead ("Boksning
    starter først ved 8 år – judo ligner og er for 7-årige"). Text similarity is not given to
    candidates that only share letters with another real term ("brydning" for "ridning").

    Diversity: the best ``max(50, 5 * limit)`` candidates (plus the best candidate of every
    wish) are re-ranked by maximal marginal relevance, gain ``(1-λ)·score − λ·R/(1+R)`` where
    ``R`` is the summed similarity to the already picked ones (similarity 1 for the same primary
    interest code, else TF-IDF cosine of the texts). Offers for one wish are never redundant
    with each other; with several wishes they count half, and a coverage term puts every wish
    that has an eligible candidate in the list. ``Match.score`` is always the undiversified
    score; a match placed above a better-scored one has ``moved_up`` and the reason "Et andet
    slags tilbud end ovenfor" (or the wish it covers).

    Profile ``languages`` do not score; a shared non-Danish language is shown
    as a reason.

    Parameters
    ----------
    weights : mapping of str to float, optional
        Component weights; missing components get their default weight.
    diversity : float, default 0.3
        MMR trade-off λ in [0, 1]; 0 switches re-ranking off.
    distance_scale_km : float, default 3.0
        Distance at which the distance component has fallen to 1/e.
    freshness_days : int, default 180
        Listings verified within this many days count as fresh.
    interest_matcher : InterestMatcher or iterable of InterestTerm, optional
        Interest taxonomy; without it only TF-IDF text similarity is used.
    geocoder : Geocoder, optional
        Locates the child's postcode/district; the offline geocoder by default.
    today : datetime.date, optional
        Fixed "today" for certificates and freshness; without it, ``rank`` must be given one
        (the caller's clock: Copenhagen's date, never the machine's).

    Examples
    --------
    >>> ranker = Ranker(interest_matcher=terms).fit(candidates)   # doctest: +SKIP
    >>> day = dt.date(2026, 11, 1)
    >>> profile = ChildProfile.from_dict({"age": 12, "postcode": "2200", "interests": "fodbold"}, today=day)  # doctest: +SKIP
    >>> ranker.rank(profile, kind="activity", limit=10, today=day).to_dict()  # doctest: +SKIP
    """

    def __init__(
        self,
        weights: Mapping[str, float] | None = None,
        diversity: float = 0.3,
        distance_scale_km: float = 3.0,
        freshness_days: int = 180,
        interest_matcher: InterestMatcher | Iterable[InterestTerm] | None = None,
        geocoder: Geocoder | None = None,
        today: dt.date | None = None,
    ):
        self.weights = weights
        self.diversity = diversity
        self.distance_scale_km = distance_scale_km
        self.freshness_days = freshness_days
        self.interest_matcher = interest_matcher
        self.geocoder = geocoder
        self.today = today

    # ------------------------------------------------------------------ fit
    def fit(self, candidates: Iterable[Candidate], y=None) -> Ranker:
        """Validate the candidates and precompute every array ``rank`` needs.

        Parameters
        ----------
        candidates : iterable of Candidate
            The whole catalogue (all kinds).
        y : ignored

        Returns
        -------
        self : Ranker
        """
        candidates = list(candidates)
        self._validate_params()
        for c in candidates:
            if not isinstance(c, Candidate):
                raise TypeError(f"expected Candidate, got {type(c).__name__}")
        self.weights_ = np.array([self._weights()[k] for k in COMPONENTS], dtype=np.float64)
        self.matcher_ = self._matcher()
        codes = dict.fromkeys(self.matcher_.codes if self.matcher_ else [])
        for c in candidates:
            codes.update(dict.fromkeys(c.interests))
        codes = list(codes)
        self.codes_ = codes
        self.code_index_ = {code: i for i, code in enumerate(codes)}
        self.geocoder_ = self.geocoder or default_geocoder()

        texts = [self._document(c) for c in candidates]
        matrix = self._fit_tfidf(texts)
        self.blocks_: dict[str, Block] = {}
        for kind in KINDS:
            idx = np.array([i for i, c in enumerate(candidates) if c.kind == kind], dtype=np.int64)
            block = build_block([candidates[i] for i in idx], self.code_index_)
            if kind != "activity":  # leisure jobs and mentor relations cost the family nothing unless priced
                block.fee = np.where(np.isnan(block.fee), 0.0, block.fee)
            block.eff_fee = effective_fee(block.fee, block.fee_support)
            if matrix is not None and len(idx):
                block.tfidf = RowChunks.split(matrix[idx])
            self.blocks_[kind] = block
        self.n_candidates_ = len(candidates)
        return self

    def _fit_tfidf(self, texts: list[str]):
        """Fit the char n-gram TF-IDF vectoriser and return the (n, F) CSR matrix, or None."""
        self.vectorizer_ = CharTfidf(ngram_range=(3, 5), max_df=0.5)
        self._tfidf_ok = False
        if not any(texts):
            return None
        try:
            matrix = self.vectorizer_.fit_transform(texts)
        except ValueError:  # too few documents for max_df, or no n-grams at all
            self.vectorizer_ = CharTfidf(ngram_range=(3, 5), max_df=1.0)
            try:
                matrix = self.vectorizer_.fit_transform(texts)
            except ValueError:
                return None
        self._tfidf_ok = True
        self.analyzer_ = self.vectorizer_.build_analyzer()
        return matrix.tocsr()

    def _validate_params(self) -> None:
        if not 0.0 <= float(self.diversity) <= 1.0:
            raise ValueError("diversity must be in [0, 1]")
        if self.distance_scale_km <= 0:
            raise ValueError("distance_scale_km must be > 0")
        if self.freshness_days <= 0:
            raise ValueError("freshness_days must be > 0")

    def _weights(self) -> dict[str, float]:
        weights = dict(DEFAULT_WEIGHTS)
        for key, value in (self.weights or {}).items():
            if key not in weights:
                raise ValueError(f"unknown weight {key!r}; use {', '.join(COMPONENTS)}")
            if value < 0:
                raise ValueError(f"weight {key!r} must be >= 0")
            weights[key] = float(value)
        if sum(weights.values()) <= 0:
            raise ValueError("weights must not all be 0")
        return weights

    def _matcher(self) -> InterestMatcher | None:
        if self.interest_matcher is None or isinstance(self.interest_matcher, InterestMatcher):
            return self.interest_matcher
        return InterestMatcher(self.interest_matcher)

    def _document(self, c: Candidate) -> str:
        names = [self.matcher_.name(x) if self.matcher_ else x for x in c.interests]
        return normalise(" ".join([c.name, c.description, *names]))

    # ----------------------------------------------------------------- rank
    def rank(self, profile: ChildProfile | Mapping, kind: str = "activity", limit: int = 10,
             today: dt.date | None = None) -> RankResult:
        """Score every candidate of ``kind`` for the child and return the best ``limit``.

        Parameters
        ----------
        profile : ChildProfile or dict
            The validated child profile (a dict is validated with ``ChildProfile.from_dict``).
        kind : {"activity", "leisure-job", "mentor"}
            Which candidates to rank.
        limit : int, default 10
            Number of matches to return.
        today : datetime.date, optional
            The day to rank on (ages, certificates, freshness); default the ``today`` parameter.
            One of the two is required: the ranking core keeps no clock.

        Returns
        -------
        RankResult
            ``results`` (best first) and ``excluded`` counts per hard-constraint reason.
        """
        if not hasattr(self, "blocks_"):
            raise RuntimeError("Ranker is not fitted; call fit(candidates) first")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        if limit <= 0:
            return RankResult([], {})
        today = today or self.today
        if today is None:
            raise ValueError("rank needs today: pass the caller's date (Copenhagen's, from the runtime clock)")
        if isinstance(profile, Mapping):
            profile = ChildProfile.from_dict(profile, today=today, geocoder=self.geocoder_)
        block = self.blocks_[kind]
        n = len(block)
        if n == 0:
            return RankResult([], {})
        today_ord = today.toordinal()

        excluded, keep = self._exclude(block, kind, profile, today_ord)
        rows = np.flatnonzero(keep)  # from here on, work only on the survivors
        where = self._locate(profile)
        dist = scoring.distance_km(block, *where, rows) if where else None
        if dist is not None and profile.max_distance_km is not None:
            far = beyond_distance(dist, profile.max_distance_km)
            if far.any():
                excluded["distance"] = int(np.count_nonzero(far))
                rows, dist = rows[~far], dist[~far]
        if not len(rows):
            return RankResult([], excluded)

        understood = (self.matcher_.understand(profile.interests) if (self.matcher_ and profile.interests)
                      else Understanding(text=" ".join(tokenise(profile.interests))))
        codes = understood.wanted
        named = wishes(block, kind, profile, today_ord, understood, self.matcher_, self.code_index_, rows) \
            if understood.mentioned else []
        alternatives = alternative_codes(self.matcher_, understood, named) if named else {}
        code_vec = np.zeros(len(self.codes_), dtype=np.float64)
        for code, conf in codes.items():
            code_vec[self.code_index_[code]] = conf
        for code, (weight, _wish) in alternatives.items():
            j = self.code_index_[code]
            code_vec[j] = max(code_vec[j], weight)
        query = understood.text
        muted = None
        if understood.rivals:  # "brydning" shares letters with "ridning" but is another sport
            muted = tagged_mask(block, self.code_index_, understood.rivals)
            muted &= ~tagged_mask(block, self.code_index_, [*codes, *alternatives])
            muted = muted[rows]
        interest = scoring.interest(block, code_vec, self._query_vector(query) if query else None, rows, muted)
        near = scoring.distance_component(dist, len(rows), self.distance_scale_km)
        days = scoring.weekday_fit(block, weekday_mask(profile.weekdays), rows)
        static, afford, fresh = self._static(block, today_ord)
        w = self.weights_ / self.weights_.sum()
        score = static[rows] + w[0] * interest + w[1] * near + w[2] * days
        refused = np.zeros(len(rows), dtype=bool)
        if understood.negated:
            refused = tagged_mask(block, self.code_index_, understood.negated)[rows]
            score = np.where(refused, score * NEGATED, score)
        per_row = (interest, near, days)  # indexed by position in rows
        per_block = (afford, block.inclusion, fresh)  # indexed by block index

        top = self._top(score, limit, block, rows, codes, named)
        results = []
        seen_wishes: set[str] = set()
        for n, pos in enumerate(top):
            i = rows[pos]
            c = block.candidates[i]
            values = [col[pos] for col in per_row] + [col[i] for col in per_block]
            comp = {name: float(v) for name, v in zip(COMPONENTS, values)}
            comp["not_wanted"] = float(refused[pos])
            d = None if dist is None or np.isnan(dist[pos]) else float(dist[pos])
            matched = [self.matcher_.name(x).lower() for x in codes if x in c.interests] if self.matcher_ else []
            first = interest_notes(self.matcher_, c, codes, alternatives, understood, profile)
            covers = [wsh for wsh in named if wsh.cover & set(c.interests)]
            moved = bool(n + 1 < len(top) and score[pos] < score[top[n + 1:]].max() - 1e-9)
            if moved:
                new = [wsh for wsh in covers if wsh.code not in seen_wishes] if len(named) > 1 else []
                first.append(f"Dækker også barnets ønske om {new[0].name.lower()}" if new else OTHER_KIND)
            seen_wishes.update(wsh.code for wsh in covers)
            reasons = first + reasons_for(c, profile, comp, d, matched, today)
            results.append(Match(c, float(score[pos]), d, comp, reasons, moved_up=moved))
        return RankResult(results, excluded, understood_dict(self.matcher_, understood, named))

    def _query_vector(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the TF-IDF vector of the query as (column ids, l2-normalised weights)."""
        if not query or not self._tfidf_ok:
            return np.empty(0, dtype=np.int64), np.empty(0)
        vocab = self.vectorizer_.vocabulary_
        counts: dict[int, int] = {}
        for gram in self.analyzer_(query):
            j = vocab.get(gram)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            return np.empty(0, dtype=np.int64), np.empty(0)
        cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        weights = (1.0 + np.log(tf)) * self.vectorizer_.idf_[cols]
        return cols, weights / np.linalg.norm(weights)

    def _static(self, block: Block, today_ord: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the profile-independent weighted score part, cached per block and day."""
        if block.static is None or block.static[0] != today_ord:
            afford = scoring.affordability(block)
            fresh = scoring.freshness(block, today_ord, self.freshness_days)
            w = self.weights_ / self.weights_.sum()
            block.static = (today_ord, w[3] * afford + w[4] * block.inclusion + w[5] * fresh, afford, fresh)
        return block.static[1], block.static[2], block.static[3]

    def _locate(self, profile: ChildProfile) -> tuple[float, float] | None:
        """Return the child's (lat, lon) from postcode, else district centroid, else None."""
        if profile.postcode:
            hit = self.geocoder_.postcode(profile.postcode)
            if hit:
                return hit[0], hit[1]
        if profile.district:
            return self.geocoder_.district_centroid(profile.district)
        return None

    @staticmethod
    def _exclude(block, kind, profile, today_ord) -> tuple[dict[str, int], np.ndarray]:
        """Apply the hard constraints except distance; return counts per reason and the keep mask."""
        keep = np.ones(len(block), dtype=bool)
        excluded: dict[str, int] = {}
        for reason, fails in exclusion_masks(block, kind, profile, today_ord):
            hit = keep & fails
            count = int(np.count_nonzero(hit))
            if count:
                excluded[reason] = count
                keep &= ~fails
        return excluded, keep

    def _top(self, score: np.ndarray, limit: int, block: Block, rows: np.ndarray, codes: dict,
             named: list[Wish] = ()) -> np.ndarray:
        """Return positions into ``score`` of the best candidates: ``scoring.largest``, then MMR on the pool.

        With two or more named wishes the pool also holds the best candidate of each wish, and
        MMR must cover every wish that has one (``diversity.mmr``'s coverage term).
        """
        size = min(len(score), max(MMR_POOL, limit * 5) if self.diversity > 0 else limit)
        pool = scoring.largest(score, size)
        covers = None
        if len(named) > 1 and self.diversity > 0:
            masks = [tagged_mask(block, self.code_index_, w.cover)[rows] for w in named]
            best = [int(np.argmax(np.where(m, score, -np.inf))) for m in masks if m.any()]
            pool = np.unique(np.concatenate([pool, np.asarray(best, dtype=pool.dtype)]))
            covers = coverage_matrix(masks, pool)
        order = np.argsort(-score[pool], kind="stable")
        pool = pool[order]
        covers = covers[order] if covers is not None else None
        if self.diversity <= 0 or len(pool) <= 1:
            return pool[:limit]
        members = rows[pool]
        texts = block.tfidf.take(members) if block.tfidf is not None else None
        sim = similarity_matrix(block.primary[members], texts, same_code=True)
        if named:
            # Offers about what the child asked for are less redundant with each other (never, with
            # one wish; with several, the coverage term puts each in the list); diversity works among the rest.
            wanted = tagged_mask(block, self.code_index_, list(codes))[members]
            sim[np.ix_(wanted, wanted)] *= 0.0 if len(named) == 1 else WISH_REDUNDANCY
        return pool[mmr(score[pool], sim, limit, float(self.diversity), covers)]
