"""The search index's gender, time-of-day, outside-a-district filters and its sort orders, against one by one."""

from __future__ import annotations

import random

import pytest

from matcher.matching.search_index import DAYPARTS, Listing, SearchIndex, schedule_slots

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def make(n: int, seed: int) -> list[tuple[Listing, list[tuple[list[str], int | None, int | None]]]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        schedules = []
        for _ in range(rng.randint(0, 3)):
            opens = rng.choice([None, rng.randrange(8 * 60, 21 * 60, 15)])
            closes = None if opens is None or rng.random() < 0.2 else opens + rng.choice([45, 60, 90, 120])
            schedules.append((rng.sample(DAYS, rng.randint(1, 3)), opens, closes))
        out.append((Listing(
            id=i + 1, status="active", kind="activity", title=f"Hold {i}", organisation=f"Klub {i % 7}",
            district_id=rng.choice([1, 2, 3, None]), gender=rng.choice([None, None, "girls", "boys"]),
            monthly_fee_dkk=rng.choice([None, 0.0, 100.0, 150.0, 250.0]),
            spots_free=rng.choice([None, 0, 2, 5, 9]), weekdays=tuple(sorted({d for s in schedules for d in s[0]})),
            lat=55.6 + rng.random() / 10, lon=12.5 + rng.random() / 10,
            slots=schedule_slots(schedules)), schedules))
    return out


def meets(schedules, weekday: str | None, part: str) -> bool:
    """Return whether a schedule meets in ``part`` of the day (on ``weekday`` when given), written out plainly."""
    lo, hi = DAYPARTS[part]
    for days, opens, closes in schedules:
        if opens is None or (weekday and weekday not in days):
            continue
        end = closes if closes is not None and closes > opens else opens + 60
        if opens < hi and end > lo:
            return True
    return False


def allows(gender: str | None, rule: str) -> bool:
    return {"girl": gender in (None, "girls"), "boy": gender in (None, "boys"),
            "girls-only": gender == "girls", "boys-only": gender == "boys"}[rule]


@pytest.fixture(scope="module")
def synthetic_index():
    rows = make(400, 13)
    return rows, SearchIndex([x for x, _s in rows])


@pytest.mark.parametrize("weekday", [None, "tue", "sat"])
@pytest.mark.parametrize("part", list(DAYPARTS))
def test_daypart_filter_matches_the_schedules(synthetic_index, weekday, part):
    rows, index = synthetic_index
    got = set(index.ids[index.filter(weekday=weekday, daypart=part)].tolist())
    want = {x.id for x, schedules in rows if meets(schedules, weekday, part)
            and (weekday is None or weekday in x.weekdays)}
    assert got == want and want  # the catalogue has offers for every case


@pytest.mark.parametrize("rule", ["girl", "boy", "girls-only", "boys-only"])
def test_gender_filter(synthetic_index, rule):
    rows, index = synthetic_index
    got = set(index.ids[index.filter(gender=rule)].tolist())
    assert got == {x.id for x, _s in rows if allows(x.gender, rule)} and got


def test_outside_a_district(synthetic_index):
    rows, index = synthetic_index
    got = set(index.ids[index.filter(not_district_id=2)].tolist())
    assert got == {x.id for x, _s in rows if x.district_id != 2}


def test_sorts_put_cheapest_nearest_and_most_spots_first(synthetic_index):
    rows, index = synthetic_index
    by_id = {x.id: x for x, _s in rows}
    cheap = index.search(None, {}, {}, sort="price", limit=400)
    fees = [by_id[i].monthly_fee_dkk for i in cheap.ids]
    known = [f for f in fees if f is not None]
    assert known == sorted(known) and fees[len(known):] == [None] * (len(fees) - len(known))
    spots = [by_id[i].spots_free for i in index.search(None, {}, {}, sort="spots", limit=400).ids]
    known = [s for s in spots if s is not None]
    assert known == sorted(known, reverse=True) and all(s is None for s in spots[len(known):])
    near = index.search(None, {}, {}, origin=(55.65, 12.55), sort="distance", limit=400)
    assert near.distances == sorted(near.distances)
    # Ties keep the relevance order (here: by organisation name, then title).
    first_fee = [i for i in cheap.ids if by_id[i].monthly_fee_dkk == 0.0]
    assert first_fee == [i for i in index.search(None, {}, {}, limit=400).ids if by_id[i].monthly_fee_dkk == 0.0]


def test_text_search_sorted_by_price_keeps_only_text_matches(synthetic_index):
    _rows, index = synthetic_index
    relevant = set(index.search("hold 1", {}, {}, limit=400).ids)
    by_price = index.search("hold 1", {}, {}, sort="price", limit=400)
    assert set(by_price.ids) == relevant and by_price.total == len(relevant)


def test_schedule_slots():
    assert schedule_slots([(["mon"], 10 * 60, 11 * 60)]) == 1 << 0  # Monday morning
    assert schedule_slots([(["tue"], 16 * 60 + 30, 18 * 60)]) == (1 << (1 * 3 + 1)) | (1 << (1 * 3 + 2))
    assert schedule_slots([(["sun"], None, None)]) == 0  # no time: no daypart
    assert schedule_slots([(["wed"], 11 * 60 + 30, None)]) == (1 << 6) | (1 << 7)  # an hour assumed


def test_unknown_sort_is_refused(synthetic_index):
    with pytest.raises(ValueError):
        synthetic_index[1].search(None, {}, {}, sort="colour")
