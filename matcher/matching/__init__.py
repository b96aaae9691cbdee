"""Ranking core: match a child to offers, leisure jobs and mentors (no Flask, no SQLAlchemy).

Typical use (services layer)::

    terms = load_interest_terms("seeds/interests.json")
    ranker = Ranker(interest_matcher=terms).fit(candidates)      # list[Candidate]
    profile = ChildProfile.from_dict(request_json, today=today)    # raises ProfileError(field, msg)
    payload = ranker.rank(profile, kind="activity", limit=10, today=today).to_dict()

``today`` is always passed in (Copenhagen's date from the runtime clock): the core keeps no clock.
"""

from importlib import import_module
from typing import Any

#: Where each public name lives. The package imports its modules on first use of a name (PEP 562):
#: ``from matcher.matching.profile import ChildProfile`` then costs no NumPy, SciPy or scikit-learn.
_HOME = {
    "Geocoder": "geo", "GeopyGeocoder": "geo", "OfflineGeocoder": "geo", "haversine_km": "distance",
    "make_geocoder": "geo",
    "WeightProposal": "learning", "propose_weights": "learning",
    "ChildProfile": "profile", "ProfileError": "profile",
    "DEFAULT_WEIGHTS": "ranker", "Ranker": "ranker",
    "InterestMatcher": "interests",
    "load_interest_terms": "text", "normalise": "text", "tokenise": "text",
    "COMPONENTS": "types", "KINDS": "types", "WEEKDAYS": "types", "Candidate": "types",
    "InterestTerm": "types", "Match": "types", "RankResult": "types",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


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
