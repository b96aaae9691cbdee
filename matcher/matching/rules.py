"""Hard constraints: which candidates a child may never be proposed, and why."""

from __future__ import annotations

import numpy as np

from .features import Block
from .profile import ChildProfile

__all__ = [
    "CERT_REQUIRED_UNDER",
    "COMPULSORY_SCHOOL_UNDER",
    "FEE_SUPPORT_MONTHLY_DKK",
    "beyond_distance",
    "EXCLUSION_REASONS",
    "effective_fee",
    "exclusion_masks",
    "young_worker_fail",
]

#: Kontingentstøtte: up to 1,000 kr a year of membership fees, i.e. about 83 kr a month.
FEE_SUPPORT_MONTHLY_DKK = 1000.0 / 12.0
#: A mentor needs a valid children's certificate for a child younger than this.
CERT_REQUIRED_UNDER = 15
#: Assumption: every child under 16 is still in compulsory school (folkeskole).
COMPULSORY_SCHOOL_UNDER = 16
#: No leisure job for a child younger than this.
MIN_WORK_AGE = 13
#: Order in which exclusion reasons are tested; each candidate is counted once, under its first reason.
EXCLUSION_REASONS = (
    "not_active",
    "age",
    "gender",
    "young_worker",
    "mentor_not_approved",
    "childcert",
    "mentor_capacity",
    "no_free_spots",
    "fee",
    "distance",
)


def effective_fee(fee: np.ndarray, fee_support: np.ndarray) -> np.ndarray:
    """Return the monthly fee the family pays after Kontingentstøtte (NaN if unknown)."""
    return np.where(fee_support, np.maximum(fee - FEE_SUPPORT_MONTHLY_DKK, 0.0), fee)


def young_worker_fail(block: Block, age: int) -> np.ndarray:
    """Return a mask of leisure jobs whose hours or kind break the young-worker rules for ``age``."""
    if age < MIN_WORK_AGE:
        return np.ones(len(block), dtype=bool)
    if age < COMPULSORY_SCHOOL_UNDER:
        return (
            ~block.light_work
            | block.alcohol
            | (block.school_day_h > 2.0)
            | (block.other_day_h > 7.0)
            | (block.week_h > 12.0)
            | block.night
        )
    if age < 18:
        return (block.day_max_h > 8.0) | (block.week_h > 40.0)
    return np.zeros(len(block), dtype=bool)


def exclusion_masks(
    block: Block,
    kind: str,
    profile: ChildProfile,
    today_ord: int,
    distance_km: np.ndarray | None = None,
) -> list[tuple[str, np.ndarray]]:
    """Return ``(reason, fails)`` pairs in ``EXCLUSION_REASONS`` order for one kind's block.

    ``distance`` is only tested when ``distance_km`` (one value per candidate) is given;
    the ranker tests it separately on the survivors, see :func:`beyond_distance`.
    """
    n = len(block)
    none = np.zeros(n, dtype=bool)
    age = profile.age
    masks: dict[str, np.ndarray] = {
        "not_active": ~block.active,
        "age": (block.age_min > age) | (block.age_max < age),
    }
    if profile.gender == "boy":
        masks["gender"] = block.gender == 1
    elif profile.gender == "girl":
        masks["gender"] = block.gender == 2
    else:  # other / unknown: shown with a note, never hidden
        masks["gender"] = none
    masks["young_worker"] = young_worker_fail(block, age) if kind == "leisure-job" else none
    if kind == "mentor":
        masks["mentor_not_approved"] = ~block.approved
        masks["childcert"] = (block.cert_ord < today_ord) if age < CERT_REQUIRED_UNDER else none
        masks["mentor_capacity"] = block.at_capacity
    masks["no_free_spots"] = none if profile.waiting_list else (block.spots_free == 0)
    if profile.max_monthly_fee_dkk is not None:
        with np.errstate(invalid="ignore"):
            eff = block.eff_fee if block.eff_fee is not None else effective_fee(block.fee, block.fee_support)
            masks["fee"] = eff > profile.max_monthly_fee_dkk
    if distance_km is not None:
        masks["distance"] = beyond_distance(distance_km, profile.max_distance_km)
    return [(r, masks[r]) for r in EXCLUSION_REASONS if r in masks]


def beyond_distance(distance_km: np.ndarray, max_distance_km: float | None) -> np.ndarray:
    """Return a mask of candidates farther than ``max_distance_km`` (unknown locations are kept)."""
    if max_distance_km is None:
        return np.zeros(len(distance_km), dtype=bool)
    with np.errstate(invalid="ignore"):
        return distance_km > max_distance_km
