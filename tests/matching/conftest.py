"""Shared fixtures for the ranking-core tests."""

from __future__ import annotations

import pytest
from .match_factory import TERMS, TODAY

from matcher.matching import InterestMatcher, OfflineGeocoder, Ranker


@pytest.fixture(scope="session")
def terms():
    return TERMS


@pytest.fixture(scope="session")
def matcher():
    return InterestMatcher(TERMS)


@pytest.fixture(scope="session")
def geocoder():
    return OfflineGeocoder()


@pytest.fixture
def rank_one():
    """Fit a ranker on the given candidates and rank one profile."""

    def run(candidates, profile, kind="activity", limit=10, **params):
        params.setdefault("today", TODAY)
        params.setdefault("interest_matcher", TERMS)
        return Ranker(**params).fit(candidates).rank(profile, kind=kind, limit=limit)

    return run
