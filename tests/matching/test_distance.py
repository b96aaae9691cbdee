"""The ranker's distances (one dot product of unit vectors) equal the haversine formula's."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.matching.distance import haversine_km
from matcher.matching.features import build_block
from matcher.matching.scoring import distance_km
from matcher.matching.types import Candidate


def candidates(points):
    return [Candidate(id=i, external_id=f"c{i}", kind="activity", name="x", organisation=None, description="",
                      interests=(), lat=lat, lon=lon, district=None, age_min=None, age_max=None, gender=None,
                      weekdays=(), schedule=(), monthly_fee_dkk=None, fee_support=False, spots_free=None,
                      status="active", languages=(), verified_at=None, inclusion=0.5)
            for i, (lat, lon) in enumerate(points)]


@pytest.mark.parametrize("seed", range(4))
def test_distances_equal_the_haversine_formula_within_a_metre(seed):
    rng = np.random.default_rng(seed)
    child = (55.6761 + rng.normal(0, 0.5), 12.5683 + rng.normal(0, 0.5))
    points = list(zip(rng.uniform(54.5, 57.8, 2000), rng.uniform(8.0, 15.2, 2000)))
    points += [child, (child[0] + 1e-6, child[1]), (child[0], child[1] - 1e-5)]  # same place, 11 cm, 63 cm
    points += [(-child[0], child[1] - 180.0), (child[0], child[1] + 180.0)]  # the antipode, across the pole
    block = build_block(candidates(points), {})
    rows = np.arange(len(points))
    got = distance_km(block, *child, rows)
    lat, lon = np.array(points).T
    want = haversine_km(child[0], child[1], lat, lon)
    assert np.abs(got - want).max() < 1e-3  # km
    assert np.abs(got[:2000] - want[:2000]).max() < 1e-6  # points more than a few metres apart: a millimetre
    assert got[2000] < 1e-3 and got[2001] < 1e-3


def test_unknown_locations_have_no_distance_and_rows_pick_their_candidates():
    block = build_block(candidates([(55.7, 12.6), (None, None), (56.1, 10.2)]), {})
    got = distance_km(block, 55.7, 12.6, np.array([2, 1]))
    assert np.isnan(got[1]) and got[0] == pytest.approx(haversine_km(55.7, 12.6, 56.1, 10.2), abs=1e-6)
