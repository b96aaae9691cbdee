"""When what the child asks for is excluded, find the nearest alternatives and say why (Danish)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .features import Block
from .interests import InterestMatcher, Understanding
from .profile import ChildProfile
from .rules import exclusion_masks

__all__ = ["ALTERNATIVE", "BLOCKED_ALTERNATIVE", "Wish", "alternative_codes", "alternative_reason", "blocked_reason",
           "interest_notes", "tagged_mask", "understood_dict", "wishes"]

#: Weight of an alternative (a sibling in the taxonomy graph) relative to the wish, times closeness.
ALTERNATIVE = 0.35
#: The same when every offer of the wish is excluded for the child: the alternative is the proposal.
BLOCKED_ALTERNATIVE = 1.0
#: The same when fewer than ``SCARCE`` offers of the wish are left for the child.
SCARCE_ALTERNATIVE = 0.7
SCARCE = 3


@dataclass(frozen=True)
class Wish:
    """One interest the child named: its code, the codes that cover it and, if excluded, why."""

    code: str
    name: str
    cover: frozenset[str]
    blocked: str | None = None  # Danish sentence start, e.g. "Boksning starter først ved 10 år"
    left: int = 0  # how many of its offers survived the hard rules


def tagged_mask(block: Block, code_index: Mapping[str, int], codes) -> np.ndarray:
    """Return a mask of the block's candidates tagged with any of ``codes``."""
    out = np.zeros(len(block), dtype=bool)
    ptr, ind = block.incidence_t.indptr, block.incidence_t.indices
    for code in codes:
        j = code_index.get(code)
        if j is not None:
            out[ind[ptr[j]:ptr[j + 1]]] = True
    return out


def wishes(block: Block, kind: str, profile: ChildProfile, today_ord: int, understood: Understanding,
           matcher: InterestMatcher, code_index: Mapping[str, int], survivors: np.ndarray,
           dist_all: np.ndarray | None = None) -> list[Wish]:
    """Return the named interests; a wish none of whose offers survived the hard rules says why."""
    out = []
    alive = np.zeros(len(block), dtype=bool)
    alive[survivors] = True
    for code, cover in understood.mentioned:
        tagged = tagged_mask(block, code_index, cover)
        left = int(np.count_nonzero(tagged & alive))
        reason = None
        if tagged.any() and not left and not matcher.is_need(code):
            reason = blocked_reason(block, kind, profile, today_ord, tagged, matcher.name(code), alive)
        out.append(Wish(code, matcher.name(code), cover, reason, left))
    return out


def blocked_reason(block: Block, kind: str, profile: ChildProfile, today_ord: int, tagged: np.ndarray,
                   name: str, alive: np.ndarray) -> str:
    """Return why none of the ``tagged`` candidates can be proposed, as a Danish sentence start."""
    remaining = tagged.copy()
    counts: dict[str, int] = {}
    for reason, fails in exclusion_masks(block, kind, profile, today_ord):
        hit = remaining & fails
        if hit.any():
            counts[reason] = int(np.count_nonzero(hit))
            remaining &= ~fails
    if remaining.any():  # the rest were farther than the child's maximum distance
        counts["distance"] = int(np.count_nonzero(remaining & ~alive))
    # A wish the child could join in principle (full, too expensive, too far) says that first.
    fixable = {r: n for r, n in counts.items() if r not in ("age", "gender", "not_active")}
    main = max(fixable or counts, key=(fixable or counts).get) if counts else "distance"
    age = profile.age
    if main == "age":
        active = tagged & block.active
        lows = block.age_min[active & (block.age_min > age)]
        highs = block.age_max[active & (block.age_max < age)]
        if len(lows) >= len(highs) and len(lows):
            return f"{name} starter først ved {int(lows.min())} år"
        if len(highs):
            return f"{name} er kun til og med {int(highs.max())} år"
        return f"{name} passer ikke til barnets alder"
    return {
        "not_active": f"{name} holder pause lige nu",
        "gender": f"{name} er kun for {'piger' if profile.gender == 'boy' else 'drenge'}",
        "young_worker": f"{name} er ikke tilladt arbejde for {age}-årige",
        "mentor_not_approved": f"Mentorer med {name.lower()} er ikke godkendt endnu",
        "childcert": f"Mentorer med {name.lower()} mangler gyldig børneattest",
        "mentor_capacity": f"Mentorer med {name.lower()} har ikke plads til flere børn",
        "no_free_spots": f"{name} har ingen ledige pladser lige nu",
        "fee": f"{name} koster mere end budgettet",
        "distance": f"{name} ligger længere væk end {profile.max_distance_km or 0:g} km".replace(".", ","),
    }.get(main, f"{name} passer ikke til profilen")


def alternative_codes(matcher: InterestMatcher, understood: Understanding,
                      wishes_: list[Wish]) -> dict[str, tuple[float, Wish]]:
    """Return ``{code: (weight, wish)}`` for the taxonomy siblings of the named wishes."""
    out: dict[str, tuple[float, Wish]] = {}
    for wish in wishes_:
        confidence = understood.wanted.get(wish.code, 0.0)
        factor = BLOCKED_ALTERNATIVE if wish.blocked else SCARCE_ALTERNATIVE if wish.left < SCARCE else ALTERNATIVE
        for code, closeness in matcher.graph.alternatives(wish.code).items():
            if code in understood.negated or code in wish.cover:
                continue
            weight = round(confidence * closeness * factor, 3)
            if weight > out.get(code, (0.0, None))[0]:
                out[code] = (weight, wish)
    return out


def alternative_reason(wish: Wish, alternative: str, profile: ChildProfile) -> str:
    """Return the Danish reason for proposing ``alternative`` instead of the wish."""
    alt = alternative.lower()
    if wish.blocked:
        return f"{wish.blocked} – {alt} ligner og er for {profile.age}-årige"
    return f"Ligner barnets ønske om {wish.name.lower()}: {alt}"


def interest_notes(matcher: InterestMatcher, c, codes: dict, alternatives: dict, understood: Understanding,
                   profile: ChildProfile) -> list[str]:
    """Return the reasons about refusals and alternatives for one candidate, most important first."""
    out = []
    refused = [x for x in c.interests if x in understood.negated]
    if refused:
        out.append("Barnet har sagt nej til " + ", ".join(matcher.name(x).lower() for x in refused))
    if any(codes.get(x, 0.0) >= 0.5 for x in c.interests):
        return out
    alts = sorted((alternatives[x] + (x,) for x in c.interests if x in alternatives),  # "judo", not "kampsport"
                  key=lambda t: (-bool(t[1].blocked), bool(matcher.members(t[2])), -t[0]))
    if alts:
        _weight, wish, code = alts[0]
        out.insert(0, alternative_reason(wish, matcher.name(code), profile))
    return out


def understood_dict(matcher: InterestMatcher | None, understood: Understanding, named: list[Wish]) -> dict:
    """Return what the interest text was read as, with Danish names, for ``RankResult.understood``."""
    if not matcher:
        return {}
    return {
        "interests": [matcher.name(c) for c, _cover in understood.mentioned],
        "not_wanted": [matcher.name(c) for c in understood.negated],
        "excluded_wishes": {w.name: w.blocked for w in named if w.blocked},
    }
