"""Precompute per-candidate numpy arrays once, at fit time."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .chunks import RowChunks
from .types import WEEKDAYS, Candidate

__all__ = ["Block", "build_block", "hours_facts", "weekday_mask", "POPCOUNT"]

_DAY_INDEX = {d: i for i, d in enumerate(WEEKDAYS)}
#: Number of set bits for every 7-bit weekday mask.
POPCOUNT = np.array([bin(i).count("1") for i in range(128)], dtype=np.float64)
NIGHT_START = 20 * 60
NIGHT_END = 6 * 60
GENDER_CODES = {None: 0, "": 0, "girls": 1, "boys": 2}


def weekday_mask(days: Sequence[str]) -> int:
    """Return the 7-bit mask of weekday codes (bit 0 = Monday)."""
    mask = 0
    for d in days:
        if d in _DAY_INDEX:
            mask |= 1 << _DAY_INDEX[d]
    return mask


def _minutes(hhmm: str) -> int:
    """Parse ``"HH:MM"`` to minutes after midnight."""
    h, m = hhmm.strip().split(":")
    return int(h) * 60 + int(m)


def hours_facts(schedule: Sequence[tuple[str, str, str]]) -> dict[str, float]:
    """Summarise a weekly schedule into the facts the young-worker rules need.

    Returns hours per day (max on school days mon-fri, max on other days, max
    overall), weekly hours, and whether any shift touches 20:00-06:00.
    """
    per_day = [0.0] * 7
    night = False
    latest_close = 0
    earliest_open = 24 * 60
    for day, opens, closes in schedule:
        i = _DAY_INDEX.get(day)
        if i is None:
            continue
        start, end = _minutes(opens), _minutes(closes)
        if end <= start:  # crosses midnight
            end += 24 * 60
        per_day[i] += (end - start) / 60.0
        latest_close = max(latest_close, end)
        earliest_open = min(earliest_open, start)
        if start < NIGHT_END or end > NIGHT_START:
            night = True
    return {
        "school_day_h": max(per_day[:5]),
        "other_day_h": max(per_day[5:]),
        "day_max_h": max(per_day),
        "week_h": sum(per_day),
        "night": night,
        "latest_close": latest_close / 60.0,
        "early_start": earliest_open < NIGHT_END,
        "weekday_h": sum(per_day[:5]),
        "weekend_h": sum(per_day[5:]),
    }


@dataclass
class Block:
    """Column arrays for all candidates of one kind."""

    candidates: list[Candidate]
    active: np.ndarray
    age_min: np.ndarray
    age_max: np.ndarray
    gender: np.ndarray
    spots_free: np.ndarray
    fee: np.ndarray
    fee_support: np.ndarray
    weekdays: np.ndarray
    ux: np.ndarray  # the point's unit vector on the sphere (x, y, z), for distances by one dot product
    uy: np.ndarray
    uz: np.ndarray
    has_loc: np.ndarray
    inclusion: np.ndarray
    verified_ord: np.ndarray
    cert_ord: np.ndarray
    approved: np.ndarray
    at_capacity: np.ndarray
    light_work: np.ndarray
    alcohol: np.ndarray
    has_schedule: np.ndarray
    school_day_h: np.ndarray
    other_day_h: np.ndarray
    day_max_h: np.ndarray
    week_h: np.ndarray
    night: np.ndarray
    latest_close: np.ndarray
    primary: np.ndarray
    incidence: sp.csr_matrix
    incidence_t: sp.csr_matrix
    eff_fee: np.ndarray | None = None
    static: tuple | None = None
    tfidf: RowChunks | None = None  # the rows' TF-IDF vectors, in row chunks with their transposes

    def __len__(self) -> int:
        return len(self.candidates)


def _f(values, dtype=np.float64) -> np.ndarray:
    return np.asarray(values, dtype=dtype)


def build_block(candidates: list[Candidate], code_index: dict[str, int]) -> Block:
    """Build the column arrays and the interest incidence matrix for ``candidates``."""
    n = len(candidates)
    seen: dict[tuple, dict[str, float]] = {}  # catalogues repeat a few thousand distinct schedules
    facts = [seen.get(c.schedule) or seen.setdefault(c.schedule, hours_facts(c.schedule)) for c in candidates]
    lat = _f([c.lat if c.lat is not None else math.nan for c in candidates])
    lon = _f([c.lon if c.lon is not None else math.nan for c in candidates])
    has_loc = np.isfinite(lat) & np.isfinite(lon)
    lat_r, lon_r = np.radians(np.where(has_loc, lat, 0.0)), np.radians(np.where(has_loc, lon, 0.0))
    rows, cols = [], []
    for i, c in enumerate(candidates):
        for code in dict.fromkeys(c.interests):
            if code in code_index:
                rows.append(i)
                cols.append(code_index[code])
    incidence = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, max(len(code_index), 1))
    )
    return Block(
        candidates=list(candidates),
        active=_f([c.status == "active" for c in candidates], bool),
        age_min=_f([c.age_min if c.age_min is not None else -1 for c in candidates], np.int16),
        age_max=_f([c.age_max if c.age_max is not None else 999 for c in candidates], np.int16),
        gender=_f([GENDER_CODES.get(c.gender, 0) for c in candidates], np.int8),
        spots_free=_f([max(c.spots_free, 0) if c.spots_free is not None else -1 for c in candidates], np.int32),
        fee=_f([c.monthly_fee_dkk if c.monthly_fee_dkk is not None else math.nan for c in candidates]),
        fee_support=_f([c.fee_support for c in candidates], bool),
        weekdays=_f(
            [weekday_mask(c.weekdays) | weekday_mask([s[0] for s in c.schedule]) for c in candidates], np.uint8
        ),
        ux=np.cos(lat_r) * np.cos(lon_r),
        uy=np.cos(lat_r) * np.sin(lon_r),
        uz=np.sin(lat_r),
        has_loc=has_loc,
        inclusion=np.clip(_f([c.inclusion for c in candidates]), 0.0, 1.0),
        verified_ord=_f([c.verified_at.toordinal() if c.verified_at else -1 for c in candidates], np.int64),
        cert_ord=_f(
            [c.childcert_valid_until.toordinal() if c.childcert_valid_until else -1 for c in candidates], np.int64
        ),
        approved=_f([c.approved for c in candidates], bool),
        at_capacity=_f(
            [
                c.max_children is not None and (c.current_children or 0) >= c.max_children
                for c in candidates
            ],
            bool,
        ),
        light_work=_f([c.light_work for c in candidates], bool),
        alcohol=_f([c.serves_alcohol for c in candidates], bool),
        has_schedule=_f([bool(c.schedule) for c in candidates], bool),
        school_day_h=_f([f["school_day_h"] for f in facts]),
        other_day_h=_f([f["other_day_h"] for f in facts]),
        day_max_h=_f([f["day_max_h"] for f in facts]),
        week_h=_f([f["week_h"] for f in facts]),
        night=_f([f["night"] for f in facts], bool),
        latest_close=_f([f["latest_close"] for f in facts]),
        primary=_f(
            [next((code_index[x] for x in c.interests if x in code_index), -1) for c in candidates], np.int32
        ),
        incidence=incidence,
        incidence_t=incidence.T.tocsr(),
    )
