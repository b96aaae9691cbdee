"""Every hard constraint excludes the candidate and is counted under its reason."""

import datetime as dt

import pytest

from matcher.matching import ChildProfile

from .match_factory import TODAY, make_candidate


def profile(**data):
    data.setdefault("age", 12)
    data.setdefault("postcode", "2200")
    return ChildProfile.from_dict(data, today=TODAY)


def job(**kw):
    kw.setdefault("kind", "leisure-job")
    kw.setdefault("interests", ("butik",))
    kw.setdefault("age_min", 13)
    kw.setdefault("age_max", 17)
    kw.setdefault("weekdays", ())
    return make_candidate(**kw)


def mentor(**kw):
    kw.setdefault("kind", "mentor")
    kw.setdefault("weekdays", ())
    kw.setdefault("childcert_valid_until", dt.date(2028, 6, 30))
    return make_candidate(**kw)


def ids(result):
    return [m.candidate.id for m in result.results]


@pytest.mark.parametrize(
    "candidate, child, kind, reason",
    [
        (make_candidate(id=2, age_min=14), {"age": 12}, "activity", "age"),
        (make_candidate(id=2, age_max=10), {"age": 12}, "activity", "age"),
        (make_candidate(id=2, spots_free=0), {}, "activity", "no_free_spots"),
        (make_candidate(id=2, gender="girls"), {"gender": "boy"}, "activity", "gender"),
        (make_candidate(id=2, gender="boys"), {"gender": "girl"}, "activity", "gender"),
        (make_candidate(id=2, status="paused"), {}, "activity", "not_active"),
        (make_candidate(id=2, status="closed"), {}, "activity", "not_active"),
        (make_candidate(id=2, lat=55.80, lon=12.55), {"max_distance_km": 5}, "activity", "distance"),
        (make_candidate(id=2, monthly_fee_dkk=300.0), {"max_monthly_fee_dkk": 100}, "activity", "fee"),
        (mentor(id=2, childcert_valid_until=None), {"age": 12}, "mentor", "childcert"),
        (mentor(id=2, childcert_valid_until=TODAY - dt.timedelta(days=1)), {"age": 14}, "mentor", "childcert"),
        (mentor(id=2, approved=False), {"age": 16}, "mentor", "mentor_not_approved"),
        (mentor(id=2, max_children=2, current_children=2), {"age": 16}, "mentor", "mentor_capacity"),
        (job(id=2, age_min=15), {"age": 14}, "leisure-job", "age"),
    ],
)
def test_hard_constraint_excludes_and_counts(rank_one, candidate, child, kind, reason):
    ok = {"activity": make_candidate, "mentor": mentor, "leisure-job": job}[kind](id=1)
    result = rank_one([ok, candidate], profile(**child), kind=kind)
    assert ids(result) == [1]
    assert result.excluded == {reason: 1}


def test_waiting_list_keeps_full_offers(rank_one):
    full = make_candidate(id=2, spots_free=0)
    result = rank_one([full], profile(waiting_list=True))
    assert ids(result) == [2]
    assert "Ingen ledige pladser – venteliste" in result.results[0].reasons


def test_other_and_unknown_gender_see_restricted_offers_with_a_note(rank_one):
    girls = make_candidate(id=2, gender="girls")
    for gender in ("other", "unknown"):
        result = rank_one([girls], profile(gender=gender))
        assert ids(result) == [2]
        assert any(r.startswith("Kun for piger") for r in result.results[0].reasons)
    assert ids(rank_one([girls], profile(gender="girl"))) == [2]


def test_fee_support_counts_before_the_fee_limit(rank_one):
    supported = make_candidate(id=2, monthly_fee_dkk=150.0, fee_support=True)  # pays 150 - 83 = 67
    assert ids(rank_one([supported], profile(max_monthly_fee_dkk=100))) == [2]
    assert rank_one([supported], profile(max_monthly_fee_dkk=50)).excluded == {"fee": 1}


def test_other_kinds_are_not_scored(rank_one):
    result = rank_one([make_candidate(id=1), mentor(id=2), job(id=3)], profile(age=14), kind="activity")
    assert ids(result) == [1]


def test_each_candidate_counted_once_under_first_reason(rank_one):
    bad = make_candidate(id=2, status="closed", age_min=16, spots_free=0)
    assert rank_one([bad], profile()).excluded == {"not_active": 1}


# --- Young workers (Arbejdstilsynet) --------------------------------------------------------


def test_no_leisure_job_under_13_even_without_minimum_age(rank_one):
    open_job = job(id=2, age_min=None, schedule=(("sat", "10:00", "12:00"),))
    assert rank_one([open_job], profile(age=12), kind="leisure-job").excluded == {"young_worker": 1}
    assert ids(rank_one([open_job], profile(age=13), kind="leisure-job")) == [2]


def test_13_year_old_cannot_work_until_21(rank_one):
    late = job(id=2, schedule=(("sat", "17:00", "21:00"),))
    assert rank_one([late], profile(age=13), kind="leisure-job").excluded == {"young_worker": 1}
    assert ids(rank_one([late], profile(age=16), kind="leisure-job")) == [2]


def test_14_year_old_max_two_hours_on_a_school_day(rank_one):
    three = job(id=2, schedule=(("tue", "15:00", "18:00"),))
    two = job(id=3, schedule=(("tue", "15:00", "17:00"),))
    result = rank_one([three, two], profile(age=14), kind="leisure-job")
    assert ids(result) == [3] and result.excluded == {"young_worker": 1}


def test_14_year_old_weekly_and_weekend_limits(rank_one):
    weekly = job(id=2, schedule=(("mon", "15:00", "17:00"), ("tue", "15:00", "17:00"), ("wed", "15:00", "17:00"),
                                 ("thu", "15:00", "17:00"), ("fri", "15:00", "17:00"), ("sat", "10:00", "13:00")))
    weekend = job(id=3, schedule=(("sat", "08:00", "16:00"),))
    early = job(id=4, schedule=(("sat", "05:30", "07:00"),))
    result = rank_one([weekly, weekend, early], profile(age=14), kind="leisure-job")
    assert result.results == [] and result.excluded == {"young_worker": 3}


def test_15_year_old_still_in_compulsory_school(rank_one):
    three = job(id=2, schedule=(("tue", "15:00", "18:00"),))
    assert rank_one([three], profile(age=15), kind="leisure-job").excluded == {"young_worker": 1}


def test_16_year_old_may_work_8_hours_but_not_9(rank_one):
    eight = job(id=2, schedule=(("sat", "09:00", "17:00"),))
    nine = job(id=3, schedule=(("sat", "09:00", "18:00"),))
    result = rank_one([eight, nine], profile(age=16), kind="leisure-job")
    assert ids(result) == [2] and result.excluded == {"young_worker": 1}


def test_16_year_old_40_hours_a_week(rank_one):
    days = ("mon", "tue", "wed", "thu", "fri", "sat")
    heavy = job(id=2, schedule=tuple((d, "09:00", "16:00") for d in days))  # 42 h
    assert rank_one([heavy], profile(age=16), kind="leisure-job").excluded == {"young_worker": 1}


def test_alcohol_and_heavy_work_only_for_those_past_compulsory_school(rank_one):
    bar = job(id=2, serves_alcohol=True, schedule=(("sat", "12:00", "14:00"),))
    heavy = job(id=3, light_work=False, schedule=(("sat", "12:00", "14:00"),))
    assert rank_one([bar, heavy], profile(age=14), kind="leisure-job").excluded == {"young_worker": 2}
    assert sorted(ids(rank_one([bar, heavy], profile(age=16), kind="leisure-job"))) == [2, 3]


def test_shift_over_midnight_counts_as_night(rank_one):
    night = job(id=2, schedule=(("sat", "23:00", "01:00"),))
    assert rank_one([night], profile(age=14), kind="leisure-job").excluded == {"young_worker": 1}


# --- Children's certificate (børneattest) ----------------------------------------------------


def test_certificate_required_under_15(rank_one):
    valid = mentor(id=1, childcert_valid_until=dt.date(2028, 6, 30))
    missing = mentor(id=2, childcert_valid_until=None)
    result = rank_one([valid, missing], profile(age=14), kind="mentor")
    assert ids(result) == [1] and result.excluded == {"childcert": 1}
    assert "Børneattest gyldig til 30-06-2028" in result.results[0].reasons


def test_certificate_not_required_15_to_17_but_shown(rank_one):
    missing = mentor(id=2, childcert_valid_until=None)
    result = rank_one([missing], profile(age=15), kind="mentor")
    assert ids(result) == [2] and result.excluded == {}
    assert "Mentor har ingen gyldig børneattest (ikke krav for 15-17-årige)" in result.results[0].reasons


def test_certificate_valid_until_today_is_valid(rank_one):
    today = mentor(id=2, childcert_valid_until=TODAY)
    assert ids(rank_one([today], profile(age=10), kind="mentor")) == [2]
