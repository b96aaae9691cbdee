"""Refused interests, excluded wishes and their alternatives, coverage of several wishes, the order shown."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.matching import ChildProfile, InterestMatcher, Ranker, load_interest_terms
from matcher.matching.diversity import mmr

from .match_factory import TODAY, make_candidate

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "interests.json"


@pytest.fixture(scope="module")
def taxonomy():
    return InterestMatcher(load_interest_terms(SEEDS))


def rank(taxonomy, candidates, limit=10, **child):
    child.setdefault("postcode", "2200")
    profile = ChildProfile.from_dict(child, today=TODAY)
    return Ranker(interest_matcher=taxonomy, today=TODAY).fit(candidates).rank(profile, limit=limit)


def offer(i, name, codes, **kw):
    return make_candidate(id=i, external_id=f"x-{i}", name=name, description=name, interests=codes, **kw)


def test_an_excluded_wish_brings_its_nearest_alternative_named_in_the_reason(taxonomy):
    cands = [offer(1, "Boksning for 8-10-årige", ("boksning", "kampsport"), age_min=8, age_max=10),
             offer(2, "Pigeboksning", ("boksning", "kampsport"), age_min=7, age_max=10, gender="girls"),
             offer(3, "Børnejudo", ("judo", "kampsport"), age_min=6, age_max=8, lat=55.70),
             offer(4, "Teater for børn", ("teater",), age_min=6, age_max=9)]
    result = rank(taxonomy, cands, age=7, gender="boy", interests="boksning")
    assert [m.candidate.id for m in result.results][:2] == [3, 4]
    assert result.results[0].reasons[0] == "Boksning starter først ved 8 år – judo ligner og er for 7-årige"
    assert result.understood["excluded_wishes"] == {"Boksning": "Boksning starter først ved 8 år"}
    assert result.results[0].components["interest"] > result.results[1].components["interest"]


def test_a_full_wish_says_so_before_the_age(taxonomy):
    cands = [offer(1, "Rideskole", ("ridning", "dyr"), spots_free=0),
             offer(2, "Ponyklub", ("ridning", "dyr"), age_min=14),
             offer(3, "Staldhjælp og dyr", ("dyr",), lat=55.71)]
    top = rank(taxonomy, cands, age=10, interests="ridning").results[0]
    assert top.candidate.id == 3 and top.reasons[0].startswith("Ridning har ingen ledige pladser lige nu – ")


def test_a_refused_interest_sinks_and_says_why(taxonomy):
    cands = [offer(i, f"Fodbold {i}", ("fodbold",), lat=55.695) for i in range(5)] + \
            [offer(10 + i, f"Judo {i}", ("judo", "kampsport"), lat=55.75) for i in range(3)] + \
            [offer(20, "Læseklub", ("laesning",), lat=55.80)]
    result = rank(taxonomy, cands, age=10, interests="IKKE fodbold, han vil hellere noget med kamp")
    ids = [m.candidate.id for m in result.results]
    assert ids[:3] == [10, 11, 12] and set(ids[-5:]) == set(range(5))
    football = [m for m in result.results if m.candidate.id < 5]
    assert all(m.components["not_wanted"] == 1.0 and "Barnet har sagt nej til fodbold" in m.reasons for m in football)
    assert all(m.components["not_wanted"] == 0.0 for m in result.results if m.candidate.id >= 10)
    assert result.understood["not_wanted"] == ["Fodbold"]


def test_every_wish_with_an_eligible_offer_is_in_the_top_ten(taxonomy):
    football = [offer(i, f"Fodbold {i}", ("fodbold",), inclusion=0.9) for i in range(30)]
    basket = [offer(100, "Basketball U12", ("basketball",), lat=55.80, inclusion=0.0, verified_at=None)]
    result = rank(taxonomy, football + basket, age=11, interests="football and basketball")
    codes = [m.candidate.interests[0] for m in result.results]
    assert "basketball" in codes
    moved = result.results[codes.index("basketball")]
    undiversified = rank(taxonomy, football + basket, age=11, interests="football and basketball", limit=31)
    assert moved.score == pytest.approx(next(m.score for m in undiversified.results if m.candidate.id == 100))


def test_the_order_shown_is_the_order_used(taxonomy):
    cands = [offer(i, f"Fodbold {i}", ("fodbold",), inclusion=1 - i / 40) for i in range(15)] + \
            [offer(50 + i, f"Gaming {i}", ("gaming",), inclusion=0.2) for i in range(15)]
    result = rank(taxonomy, cands, age=12, interests="fodbold og gaming")
    scores = [m.score for m in result.results]
    for i, m in enumerate(result.results):
        later = max(scores[i + 1:], default=-1.0)
        assert m.moved_up == (m.score < later - 1e-9)
        if m.moved_up:
            assert m.reasons[0] in ("Et andet slags tilbud end ovenfor", "Dækker også barnets ønske om gaming",
                                    "Dækker også barnets ønske om fodbold")
    assert any(m.moved_up for m in result.results)


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 40), st.integers(1, 4), st.integers(1, 10), st.floats(0.05, 1.0), st.randoms())
def test_mmr_covers_every_coverable_wish(k, wishes, limit, diversity, rnd):
    relevance = np.array([rnd.random() for _ in range(k)])
    covers = np.array([[rnd.random() < 0.15 for _ in range(wishes)] for _ in range(k)])
    sim = np.array([[1.0 if i == j else rnd.random() for j in range(k)] for i in range(k)])
    picked = mmr(relevance, sim, limit, diversity, covers)
    assert len(set(picked.tolist())) == len(picked) == min(limit, k)
    coverable = covers.any(axis=0)
    if coverable.sum() <= min(limit, k):
        assert (covers[picked].any(axis=0) == coverable).all()
