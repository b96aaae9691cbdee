"""The ranking core keeps no clock: the caller's date decides ages, certificates and freshness."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.matching import ChildProfile, Ranker
from tests.matching.match_factory import TERMS, make_candidate


def test_rank_without_any_date_is_refused():
    ranker = Ranker(interest_matcher=TERMS).fit([make_candidate()])
    with pytest.raises(ValueError, match="today"):
        ranker.rank({"age": 11})
    with pytest.raises(ValueError, match="today"):
        ChildProfile.from_dict({"age": 11})


def test_the_day_given_to_rank_computes_the_age_from_a_birth_date():
    ranker = Ranker(interest_matcher=TERMS).fit([make_candidate(age_min=10, age_max=12)])
    child = {"birth_date": "2014-01-01"}
    assert len(ranker.rank(child, today=dt.date(2026, 12, 31)).results) == 1  # 12
    over = ranker.rank(child, today=dt.date(2027, 1, 1))  # 13
    assert over.results == [] and over.excluded.get("age") == 1
