"""Plain, framework-free value types passed into and out of the ranking core."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = [
    "COMPONENTS",
    "KINDS",
    "WEEKDAYS",
    "Candidate",
    "InterestTerm",
    "Match",
    "RankResult",
]

#: Offer kinds the ranker scores.
KINDS = ("activity", "leisure-job", "mentor")
#: Weekday codes, Monday first (bit ``i`` of a weekday mask is ``WEEKDAYS[i]``).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Soft score components, in the column order used by ``learning``.
COMPONENTS = ("interest", "distance", "weekday", "affordability", "inclusion", "freshness")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One offer (activity, leisure job) or volunteer mentor that a child can be matched to."""

    id: int
    external_id: str | None
    kind: str
    name: str
    organisation: str | None
    description: str
    interests: tuple[str, ...]
    lat: float | None
    lon: float | None
    district: str | None
    age_min: int | None
    age_max: int | None
    gender: str | None
    weekdays: tuple[str, ...]
    schedule: tuple[tuple[str, str, str], ...]
    monthly_fee_dkk: float | None
    fee_support: bool
    spots_free: int | None
    status: str
    languages: tuple[str, ...]
    verified_at: dt.date | None
    inclusion: float
    light_work: bool = True
    serves_alcohol: bool = False
    childcert_valid_until: dt.date | None = None
    approved: bool = True
    max_children: int | None = None
    current_children: int | None = None


@dataclass(frozen=True, slots=True)
class InterestTerm:
    """One interest in the taxonomy, with Danish name and search synonyms."""

    code: str
    name: str
    synonyms: tuple[str, ...] = ()
    #: The term's group; a term whose code is its group's name is an umbrella ("kampsport").
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked candidate with its score, score components and Danish reasons."""

    candidate: Candidate
    score: float
    distance_km: float | None
    components: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    #: Placed above a better-scored match for diversity or to cover another wish (``score`` is undiversified).
    moved_up: bool = False

    def to_dict(self) -> dict:
        """Return the stable JSON shape of this match."""
        c = self.candidate
        return {
            "external_id": c.external_id,
            "id": c.id,
            "kind": c.kind,
            "name": c.name,
            "organisation": c.organisation,
            "score": round(float(self.score), 4),
            "distance_km": None if self.distance_km is None else round(float(self.distance_km), 2),
            "components": {k: round(float(v), 4) for k, v in self.components.items()},
            "reasons": list(self.reasons),
            "moved_up": bool(self.moved_up),
        }


@dataclass(frozen=True, slots=True)
class RankResult:
    """Ranked matches plus counts of candidates excluded per hard-constraint reason."""

    results: list[Match]
    excluded: dict[str, int]
    #: How the interest text was read: ``interests``, ``not_wanted`` (Danish names) and
    #: ``excluded_wishes`` (wish -> why none of its offers could be proposed).
    understood: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Return the stable JSON shape ``{"results": [...], "excluded": {...}, "understood": {...}}``."""
        return {
            "results": [m.to_dict() for m in self.results],
            "excluded": {k: int(v) for k, v in self.excluded.items()},
            "understood": dict(self.understood),
        }

