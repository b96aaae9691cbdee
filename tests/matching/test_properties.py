"""Property test: no top-10 result ever breaks a hard rule, checked by an independent checker."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest
from geopy.distance import great_circle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from .match_factory import TERMS, TODAY, make_candidate

from matcher.matching import ChildProfile, OfflineGeocoder, Ranker
from tests.fuzzing import examples

GEO = OfflineGeocoder()
POSTCODES = ["1050", "1800", "2100", "2200", "2300", "2450", "2500", "2700", "2720", "2770", "4000", "8000"]
DISTRICTS = GEO.districts()
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SHIFTS = [
    ("15:00", "17:00"), ("15:00", "18:00"), ("16:00", "20:00"), ("17:00", "21:00"), ("05:30", "07:00"),
    ("06:00", "08:00"), ("09:00", "16:00"), ("09:00", "17:00"), ("09:00", "18:00"), ("23:00", "01:00"),
    ("18:00", "20:00"), ("10:00", "17:00"),
]
FEE_SUPPORT = 1000 / 12


def _catalogue(n=450, seed=7):
    rng = random.Random(seed)
    out = []
    codes = [t.code for t in TERMS]
    for i in range(n):
        kind = rng.choice(["activity", "activity", "leisure-job", "mentor"])
        days = tuple(sorted(rng.sample(DAYS, rng.randint(0, 4)), key=DAYS.index))
        schedule = tuple((d, *rng.choice(SHIFTS)) for d in days) if kind == "leisure-job" or rng.random() < 0.3 else ()
        lo = rng.choice([None, 3, 8, 12, 13, 14, 15, 16])
        out.append(
            make_candidate(
                id=i,
                external_id=f"p-{i}",
                kind=kind,
                name=f"{rng.choice(codes)} {i}",
                description=rng.choice(["", "Gratis og åbent", "For øvede", "Kom og vær med"]),
                interests=tuple(rng.sample(codes, rng.randint(0, 3))),
                lat=None if rng.random() < 0.1 else 55.68 + rng.uniform(-0.08, 0.08),
                lon=None if rng.random() < 0.05 else 12.55 + rng.uniform(-0.12, 0.12),
                district=rng.choice(DISTRICTS + [None]),
                age_min=lo,
                age_max=None if rng.random() < 0.3 else (lo or 0) + rng.randint(0, 8),
                gender=rng.choice([None, None, "girls", "boys"]),
                weekdays=days,
                schedule=schedule,
                monthly_fee_dkk=rng.choice([None, 0.0, 50.0, 83.0, 120.0, 300.0]),
                fee_support=rng.random() < 0.5,
                spots_free=rng.choice([None, 0, 0, 1, 5]),
                status=rng.choice(["active", "active", "active", "paused", "closed"]),
                verified_at=rng.choice([None, TODAY, TODAY - dt.timedelta(days=400)]),
                inclusion=rng.random(),
                light_work=rng.random() < 0.8,
                serves_alcohol=rng.random() < 0.15,
                childcert_valid_until=rng.choice([None, TODAY, TODAY - dt.timedelta(days=1), dt.date(2028, 1, 1)]),
                approved=rng.random() < 0.85,
                max_children=rng.choice([None, 1, 2]),
                current_children=rng.choice([None, 0, 1, 2]),
            )
        )
    return out


CATALOGUE = _catalogue()
RANKER = Ranker(interest_matcher=TERMS, today=TODAY).fit(CATALOGUE)


def _hours(hhmm):
    h, m = map(int, hhmm.split(":"))
    return h + m / 60


def violations(c, p, kind, distance_km):
    """Return every hard rule the candidate breaks for the child (plain, independent code)."""
    bad = []
    if c.kind != kind:
        bad.append("kind")
    if c.status != "active":
        bad.append("status")
    if (c.age_min is not None and p.age < c.age_min) or (c.age_max is not None and p.age > c.age_max):
        bad.append("age")
    if (c.gender == "girls" and p.gender == "boy") or (c.gender == "boys" and p.gender == "girl"):
        bad.append("gender")
    if c.spots_free == 0 and not p.waiting_list:
        bad.append("spots")
    if p.max_monthly_fee_dkk is not None and c.monthly_fee_dkk is not None:
        pays = max(c.monthly_fee_dkk - FEE_SUPPORT, 0) if c.fee_support else c.monthly_fee_dkk
        if pays > p.max_monthly_fee_dkk + 1e-9:
            bad.append("fee")
    if p.max_distance_km is not None and c.lat is not None and c.lon is not None:
        where = GEO.postcode(p.postcode)[:2] if p.postcode else (GEO.district_centroid(p.district) if p.district else None)
        if where is not None and great_circle(where, (c.lat, c.lon)).km > p.max_distance_km + 1e-6:
            bad.append("distance")
        if where is not None and distance_km is not None and abs(great_circle(where, (c.lat, c.lon)).km - distance_km) > 0.01:
            bad.append("distance_value")
    if kind == "mentor":
        if not c.approved:
            bad.append("approved")
        if c.max_children is not None and (c.current_children or 0) >= c.max_children:
            bad.append("capacity")
        if p.age < 15 and (c.childcert_valid_until is None or c.childcert_valid_until < TODAY):
            bad.append("childcert")
    if kind == "leisure-job":
        per_day = {d: 0.0 for d in DAYS}
        night = False
        for day, start, end in c.schedule:
            s, e = _hours(start), _hours(end)
            if e <= s:
                e += 24
            per_day[day] += e - s
            night |= s < 6 or e > 20
        week = sum(per_day.values())
        if p.age < 13:
            bad.append("under13")
        elif p.age < 16:
            if not c.light_work or c.serves_alcohol or night or week > 12:
                bad.append("young_worker")
            if any(per_day[d] > 2 for d in DAYS[:5]) or any(per_day[d] > 7 for d in DAYS[5:]):
                bad.append("young_worker_day")
        elif p.age < 18:
            if week > 40 or any(h > 8 for h in per_day.values()):
                bad.append("young_worker_16")
    return bad


place = st.one_of(
    st.fixed_dictionaries({"postcode": st.sampled_from(POSTCODES)}),
    st.fixed_dictionaries({"district": st.sampled_from(DISTRICTS)}),
    st.just({}),
)
profiles = st.builds(
    lambda base, where, extra: {**base, **where, **extra},
    st.fixed_dictionaries(
        {
            "age": st.integers(0, 25),
            "gender": st.sampled_from(["girl", "boy", "other", "unknown"]),
            "interests": st.sampled_from(["", "fotbold og gaming", "kan lide heste", "musik", "dans & hiphop",
                                          "svømning", "butik", "spejder", "footbal", "xyz"]),
            "waiting_list": st.booleans(),
            "weekdays": st.lists(st.sampled_from(DAYS), max_size=4, unique=True),
        }
    ),
    place,
    st.fixed_dictionaries(
        {},
        optional={
            "max_distance_km": st.sampled_from([0.5, 2.0, 5.0, 50.0]),
            "max_monthly_fee_dkk": st.sampled_from([0.0, 40.0, 100.0]),
        },
    ),
)


@settings(max_examples=examples(1000), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=profiles, kind=st.sampled_from(["activity", "leisure-job", "mentor"]), diversity=st.sampled_from([0.0, 0.3]))
def test_no_top10_result_breaks_a_hard_rule(data, kind, diversity):
    profile = ChildProfile.from_dict(data, today=TODAY)
    RANKER.diversity = diversity
    result = RANKER.rank(profile, kind=kind, limit=10)
    for match in result.results:
        assert violations(match.candidate, profile, kind, match.distance_km) == [], match.candidate
        assert 0.0 <= match.score <= 1.0
        assert all(0.0 <= v <= 1.0 for v in match.components.values())
    n_kind = sum(c.kind == kind for c in CATALOGUE)
    eligible = [c for c in CATALOGUE if c.kind == kind and not violations(c, profile, kind, None)]
    # Every eligible candidate is either shown or ranked below the cut; counts add up.
    assert len(result.results) == min(10, len(eligible))
    assert sum(result.excluded.values()) == n_kind - len(eligible)


@pytest.fixture(autouse=True, scope="module")
def _restore_diversity():
    yield
    RANKER.diversity = 0.3


def test_checker_catches_violations_when_rules_are_switched_off(monkeypatch):
    import matcher.matching.ranker as ranker_module

    monkeypatch.setattr(ranker_module, "exclusion_masks", lambda *args, **kwargs: [])
    monkeypatch.setattr(ranker_module, "beyond_distance", lambda d, limit: np.zeros(len(d), dtype=bool))
    loose = Ranker(interest_matcher=TERMS, today=TODAY).fit(CATALOGUE)
    found = set()
    for age, kind in [(12, "mentor"), (14, "leisure-job"), (9, "activity"), (16, "leisure-job")]:
        profile = ChildProfile.from_dict({"age": age, "gender": "boy", "postcode": "2200",
                                          "max_distance_km": 2.0, "max_monthly_fee_dkk": 0}, today=TODAY)
        for match in loose.rank(profile, kind=kind, limit=400).results:
            found.update(violations(match.candidate, profile, kind, match.distance_km))
    assert {"status", "age", "gender", "spots", "fee", "distance", "childcert", "approved", "capacity",
            "young_worker", "young_worker_day", "young_worker_16"} <= found
