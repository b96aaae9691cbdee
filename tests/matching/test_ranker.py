"""Scoring, reasons, the JSON shape and the estimator contract of the ranker."""

import datetime as dt
import json

import numpy as np
import pytest
from .match_factory import N_LAT, N_LON, TERMS, TODAY, make_candidate

from matcher.matching import COMPONENTS, ChildProfile, Ranker

KM_PER_DEG_LAT = 111.195


def profile(**data):
    data.setdefault("age", 12)
    data.setdefault("postcode", "2200")
    return ChildProfile.from_dict(data, today=TODAY)


def test_init_only_stores_parameters():
    r = Ranker(weights={"interest": 1.0}, diversity=0.0, distance_scale_km=2.0)
    assert r.weights == {"interest": 1.0} and r.diversity == 0.0 and r.distance_scale_km == 2.0
    assert not [k for k in vars(r) if k.endswith("_")]
    with pytest.raises(RuntimeError):
        r.rank(profile())


def test_fit_returns_self_and_rejects_bad_input():
    r = Ranker(today=TODAY)
    assert r.fit([make_candidate()]) is r
    with pytest.raises(TypeError):
        Ranker().fit([{"id": 1}])
    with pytest.raises(ValueError):
        Ranker(weights={"beauty": 1.0}).fit([make_candidate()])
    with pytest.raises(ValueError):
        Ranker(diversity=2).fit([make_candidate()])


def test_interest_dominates(rank_one):
    football = make_candidate(id=1, name="Fodbold U12", interests=("fodbold",), description="Træning")
    gaming = make_candidate(id=2, name="Gamerklub", interests=("gaming",), description="Computerspil og LAN")
    result = rank_one([gaming, football], profile(interests="fotbold"))
    assert [m.candidate.id for m in result.results] == [1, 2]
    assert result.results[0].components["interest"] > 0.7 > result.results[1].components["interest"]
    assert result.results[0].reasons[0] == "Matcher interesse: fodbold"


def test_free_text_without_taxonomy_still_matches_by_tfidf(rank_one):
    chess = make_candidate(id=1, name="Skakklub for børn", interests=(), description="Vi spiller skak")
    choir = make_candidate(id=2, name="Kor", interests=(), description="Vi synger sammen")
    result = rank_one([choir, chess], profile(interests="skak"))
    assert result.results[0].candidate.id == 1
    assert result.results[0].components["interest"] > result.results[1].components["interest"]


def test_distance_reason_uses_danish_decimal_comma(rank_one):
    near = make_candidate(id=1, lat=N_LAT + 1.2 / KM_PER_DEG_LAT, lon=N_LON, district="Nørrebro")
    result = rank_one([near], profile())
    match = result.results[0]
    assert match.distance_km == pytest.approx(1.2, abs=0.01)
    assert "1,2 km fra hjemmet (Nørrebro)" in match.reasons
    assert match.components["distance"] == pytest.approx(np.exp(-1.2 / 3.0), abs=0.01)


def test_unknown_location_scores_half(rank_one):
    nowhere = make_candidate(id=1, lat=None, lon=None)
    match = rank_one([nowhere], profile(max_distance_km=1)).results[0]
    assert match.distance_km is None and match.components["distance"] == 0.5
    no_child_place = ChildProfile.from_dict({"age": 12}, today=TODAY)
    assert rank_one([make_candidate(id=2)], no_child_place).results[0].components["distance"] == 0.5


def test_district_only_profile_uses_district_centroid(rank_one):
    m = rank_one([make_candidate()], ChildProfile.from_dict({"age": 9, "district": "Nørrebro"}, today=TODAY))
    assert m.results[0].distance_km is not None and m.results[0].distance_km < 1.5


def test_weekday_fit_and_reason(rank_one):
    offer = make_candidate(weekdays=("tue", "thu"))
    both = rank_one([offer], profile(weekdays=["tirsdag", "torsdag", "fredag"])).results[0]
    assert both.components["weekday"] == 1.0
    assert "Træner tirsdag og torsdag – passer med barnets dage" in both.reasons
    half = rank_one([offer], profile(weekdays=["tue"])).results[0]
    assert half.components["weekday"] == 0.5
    none_given = rank_one([offer], profile()).results[0]
    assert none_given.components["weekday"] == 1.0


@pytest.mark.parametrize(
    "fee, support, value, reason",
    [
        (0.0, False, 1.0, "Gratis"),
        (80.0, True, 1.0, "80 kr./md. – kan dækkes af kontingentstøtte"),
        (200.0, False, None, "200 kr./md."),
        (None, False, 0.5, "Pris ukendt"),
    ],
)
def test_affordability(rank_one, fee, support, value, reason):
    match = rank_one([make_candidate(monthly_fee_dkk=fee, fee_support=support)], profile()).results[0]
    if value is not None:
        assert match.components["affordability"] == pytest.approx(value)
    else:
        assert 0 < match.components["affordability"] < 1
    assert reason in match.reasons


def test_partial_support_scores_between(rank_one):
    plain = make_candidate(id=1, monthly_fee_dkk=300.0, fee_support=False)
    helped = make_candidate(id=2, monthly_fee_dkk=300.0, fee_support=True)
    res = {m.candidate.id: m.components["affordability"] for m in rank_one([plain, helped], profile()).results}
    assert res[1] < res[2] < 1


def test_freshness_and_inclusion(rank_one):
    fresh = make_candidate(id=1, verified_at=TODAY - dt.timedelta(days=30), inclusion=0.9)
    stale = make_candidate(id=2, verified_at=TODAY - dt.timedelta(days=500), inclusion=0.9)
    never = make_candidate(id=3, verified_at=None, inclusion=0.2)
    comps = {m.candidate.id: m for m in rank_one([fresh, stale, never], profile(), diversity=0).results}
    assert comps[1].components["freshness"] == 1.0
    assert 0 < comps[2].components["freshness"] < 0.3
    assert comps[3].components["freshness"] == 0.3
    assert "Foreningen har erfaring med at inkludere udsatte børn" in comps[1].reasons
    assert "Foreningen har erfaring med at inkludere udsatte børn" not in comps[3].reasons


def test_score_is_weighted_mean_of_components(rank_one):
    weights = {"interest": 2, "distance": 1, "weekday": 0, "affordability": 0, "inclusion": 1, "freshness": 0}
    m = rank_one([make_candidate(inclusion=0.4)], profile(interests="fodbold"), weights=weights).results[0]
    c = m.components
    assert m.score == pytest.approx((2 * c["interest"] + c["distance"] + c["inclusion"]) / 4)
    assert set(c) == {*COMPONENTS, "not_wanted"} and all(0 <= v <= 1 for v in c.values())


def test_to_dict_is_the_stable_json_shape(rank_one):
    result = rank_one([make_candidate(id=7, external_id="ext-7")], profile(interests="fodbold"))
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) == {"results", "excluded", "understood"}
    assert set(data["results"][0]) == {
        "external_id", "id", "kind", "name", "organisation", "score", "distance_km", "components", "reasons",
        "moved_up",
    }
    assert data["understood"]["interests"] == ["Fodbold"]
    assert data["results"][0]["id"] == 7 and data["results"][0]["external_id"] == "ext-7"


def test_limit_and_empty_catalogue(rank_one):
    many = [make_candidate(id=i) for i in range(30)]
    assert len(rank_one(many, profile(), limit=5).results) == 5
    assert rank_one([], profile()).to_dict() == {"results": [], "excluded": {}, "understood": {}}
    assert Ranker(today=TODAY).fit(many).rank(profile(), limit=0).results == []
    with pytest.raises(ValueError):
        Ranker(today=TODAY).fit(many).rank(profile(), kind="club")


def test_ranker_accepts_an_interest_matcher_or_terms():
    from matcher.matching import InterestMatcher

    cands = [make_candidate(id=1), make_candidate(id=2, interests=("gaming",), name="Gaming", description="")]
    a = Ranker(interest_matcher=TERMS, today=TODAY).fit(cands).rank(profile(interests="minecraft"))
    b = Ranker(interest_matcher=InterestMatcher(TERMS), today=TODAY).fit(cands).rank(profile(interests="minecraft"))
    assert a.to_dict() == b.to_dict() and a.results[0].candidate.id == 2


# --- Diversity --------------------------------------------------------------------------------


def _catalogue():
    football = [make_candidate(id=i, name=f"Fodbold hold {i}", interests=("fodbold",),
                               description="Fodbold træning", inclusion=0.9 - i * 0.01) for i in range(12)]
    gaming = [make_candidate(id=100 + i, name=f"Gaming klub {i}", interests=("gaming",),
                             description="Gaming og computerspil", inclusion=0.5) for i in range(12)]
    return football + gaming


def test_diversity_mixes_two_interests(rank_one):
    p = profile(interests="fodbold og gaming")
    plain = rank_one(_catalogue(), p, diversity=0.0)
    mixed = rank_one(_catalogue(), p, diversity=0.3)
    kinds_plain = [m.candidate.interests[0] for m in plain.results[:6]]
    kinds_mixed = [m.candidate.interests[0] for m in mixed.results[:6]]
    assert kinds_plain.count("gaming") <= 1
    assert kinds_mixed[:2] == ["fodbold", "gaming"]
    assert kinds_mixed.count("gaming") >= 2 and kinds_mixed.count("fodbold") >= 2
    assert [m.candidate.interests[0] for m in mixed.results].count("gaming") >= 3


def test_diversity_zero_is_plain_score_order(rank_one):
    res = rank_one(_catalogue(), profile(interests="fodbold og gaming"), diversity=0.0)
    scores = [m.score for m in res.results]
    assert scores == sorted(scores, reverse=True)


def test_single_interest_is_not_diversified_away(rank_one):
    res = rank_one(_catalogue(), profile(interests="fodbold"), diversity=0.5)
    assert [m.candidate.interests[0] for m in res.results] == ["fodbold"] * 10


def test_rank_accepts_a_plain_dict_profile():
    r = Ranker(interest_matcher=TERMS, today=TODAY).fit([make_candidate()])
    assert r.rank({"age": 10, "postcode": "2200", "interests": "fodbold"}).results[0].candidate.id == 1
    from matcher.matching import ProfileError

    with pytest.raises(ProfileError):
        r.rank({"age": 10, "postcode": "9999"})


def test_plain_types_are_frozen_and_profile_reachable_from_the_package():
    import dataclasses

    from matcher import matching
    from matcher.matching import profile

    assert matching.ChildProfile is profile.ChildProfile is ChildProfile
    with pytest.raises(dataclasses.FrozenInstanceError):
        make_candidate().name = "x"


def test_sklearn_clone_keeps_parameters():
    from sklearn.base import clone

    r = Ranker(diversity=0.1, distance_scale_km=5.0, today=TODAY)
    c = clone(r)
    assert c.get_params()["diversity"] == 0.1 and c.get_params()["distance_scale_km"] == 5.0


def test_hand_rolled_query_vector_equals_sklearn_transform():
    cands = [make_candidate(id=i, name=n, description=d) for i, (n, d) in enumerate(
        [("Skak", "Skakklub for børn"), ("Kor", "Vi synger"), ("Fodbold", "Træning tirsdag"), ("Gaming", "LAN")])]
    r = Ranker(today=TODAY).fit(cands)
    cols, weights = r._query_vector("skak og fodbold")
    expected = r.vectorizer_.transform(["skak og fodbold"]).tocsr()
    got = dict(zip(cols.tolist(), weights.tolist()))
    assert got == pytest.approx(dict(zip(expected.indices.tolist(), expected.data.tolist())), rel=1e-5)


def test_unpriced_jobs_and_mentors_count_as_free(rank_one):
    mentor = make_candidate(kind="mentor", monthly_fee_dkk=None, childcert_valid_until=TODAY)
    match = rank_one([mentor], profile(age=16), kind="mentor").results[0]
    assert match.components["affordability"] == 1.0
    assert not any("kr." in r or r in ("Gratis", "Pris ukendt") for r in match.reasons)
