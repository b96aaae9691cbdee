"""Ranking core: match a child to offers, leisure jobs and mentors (no Flask, no SQLAlchemy).

Typical use (services layer)::

    terms = load_interest_terms("seeds/interests.json")
    ranker = Ranker(interest_matcher=terms).fit(candidates)      # list[Candidate]
    profile = ChildProfile.from_dict(request_json, today=today)    # raises ProfileError(field, msg)
    payload = ranker.rank(profile, kind="activity", limit=10, today=today).to_dict()

``today`` is always passed in (Copenhagen's date from the runtime clock): the core keeps no clock.
"""

from .geo import Geocoder, GeopyGeocoder, OfflineGeocoder, haversine_km, make_geocoder
from .learning import WeightProposal, propose_weights
from .profile import ChildProfile, ProfileError
from .ranker import DEFAULT_WEIGHTS, Ranker
from .interests import InterestMatcher
from .text import load_interest_terms, normalise, tokenise
from .types import COMPONENTS, KINDS, WEEKDAYS, Candidate, InterestTerm, Match, RankResult

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "KINDS",
    "WEEKDAYS",
    "Candidate",
    "ChildProfile",
    "Geocoder",
    "GeopyGeocoder",
    "InterestMatcher",
    "InterestTerm",
    "Match",
    "OfflineGeocoder",
    "ProfileError",
    "RankResult",
    "Ranker",
    "WeightProposal",
    "haversine_km",
    "load_interest_terms",
    "make_geocoder",
    "normalise",
    "propose_weights",
    "tokenise",
]
