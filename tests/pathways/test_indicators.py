"""Indicators reproduce a synthetic history computed by hand (see conftest.history).

The history, period 2025Q3 (1 Jul - 30 Sep 2025, reference day 30 Sep, community window
1-30 Sep) and its baseline 2025Q2 (1 Apr - 30 Jun, window 1-30 Jun):

child district  pathway                                referrals (sessions attended unless noted)
C1    Nørrebro  Fritidspakke 10 Jan -> Fritidsjob 1 Aug  R1 activity active 10 Feb: 1 Feb, 5 May, 5 Aug, 15 Sep
                                                         R2 job active 1 Aug: 1 Aug, 20 Sep
C2    Nørrebro  Fritidspakke 1 Feb -> Mentor 15 Jul      R3 mentor active 20 Jul: 15 Jul, 29 Jul, 26 Aug
                                                         (+10 Sep logged by mistake, voided)
C3    Nørrebro  Fritidspakke from 1 Mar                  R4 activity active 1 Apr: 20 Mar, 10 Apr, 15 Jun,
                                                         10 Sep with the aunt (network person)
C4    Nørrebro  none                                     R5 suggested 1 Jun, ended 10 Jul (too_far)
C5    Nørrebro  Fritidspakke 1 Sep 2024 - 31 Mar (moved) R6 active: 1 Oct 2024, 15 Jan, 30 Mar; ended 31 Mar
C6    Valby     Fritidspakke from 1 May                  R7 active 1 Jun: 20 May, (3 Jun corrected to
                                                         missed), 19 Aug, 26 Aug, missed 2/9/16 Sep;
                                                         ended 20 Sep (lost_interest)
C7    Valby     Fritidspakke 1 Apr -> Mentor 1 Sep       R8 activity active 22 Apr: 15 Apr, 10 Jun with
                                                         grandfather, 15 Jul; ended 31 Aug (cost)
                                                         R9 mentoring offer active 1 Sep: 5 Sep
C8    Valby     none                                     R10 suggested 5 Oct (after the period)
"""

import datetime as dt

import pytest

from matcher.catalogue.errors import RecordError
from matcher.config import ConfigError
from matcher.pathways.indicators import compute_indicators, referral_outcomes, suppress_small
from matcher.pathways.models import END_REASONS
from matcher.pathways.periods import Period, add_months
from matcher.pathways.settings import IndicatorSettings

Q3 = Period.parse("2025Q3")


def reasons(**counts):
    return {**dict.fromkeys(END_REASONS, 0), **counts}


def test_indicators_reproduce_the_hand_computed_history(history, session):
    result = compute_indicators(session, Q3)
    assert (result["period"], result["start"], result["end"], result["reference_day"]) == \
        ("2025Q3", "2025-07-01", "2025-09-30", "2025-09-30")
    assert result["district"] is None
    # Counted: an open phase or an existing referral in Jul-Sep: C1, C2, C3 (phases), C4 (R5 ended 10 Jul),
    # C6, C7 (phases). C5 ended everything 31 Mar; C8 was referred on 5 Oct.
    assert result["children_counted"] == 6
    # Attended 1-30 Sep: C1 (15 Sep, 20 Sep), C3 (10 Sep), C7 (5 Sep). C2's 10 Sep was voided; C6 only missed.
    assert result["in_positive_community"] == {"count": 3, "share": 0.5}
    # Stable adult on 30 Sep: C2 (active mentor R3), C7 (active mentoring offer R9),
    # C3 (active R4 with the aunt on 10 Sep). C1 has no mentor and came alone.
    assert result["stable_adult_relation"] == {"count": 3, "share": 0.5}
    # Bridges starting in Q3: C1 -> Fritidsjob 1 Aug after 203 days (10 Jan..1 Aug),
    # C2 -> Mentor 15 Jul after 164 days, C7 -> Mentor 1 Sep after 153 days; median 164.
    assert result["bridges"] == {"count": 3, "to_fritidsjob": 1, "to_mentor": 2,
                                 "median_days_in_fritidspakke": 164}
    # 3 months: first sessions in Apr-Jun: R8 (15 Apr; 15 Jul >= 14 Jul = +90 days),
    # R7 (20 May; 19 Aug >= 18 Aug = +90). Both retained.
    assert result["retention_3m"] == {"eligible": 2, "retained": 2, "share": 1.0}
    # 6 months: first sessions in Jan-Mar: R1 (1 Feb; 5 Aug >= 31 Jul = +180) retained,
    # R4 (20 Mar; +180 = 16 Sep, last session 10 Sep) not retained.
    assert result["retention_6m"] == {"eligible": 2, "retained": 1, "share": 0.5}
    # Ended in Q3: R5 too_far (10 Jul), R8 cost (31 Aug), R7 lost_interest (20 Sep).
    assert result["end_reasons"] == reasons(too_far=1, cost=1, lost_interest=1)
    # Catalogue snapshot: Nørrebro 3 + 2 free spots, the job never verified (stale);
    # Valby: the mentoring offer verified 1 Jan (before 3 Apr = 30 Sep - 180 days) is stale,
    # the paused offer does not count.
    assert result["catalogue"]["Nørrebro"] == {"free_spots": 5, "stale_listings": 1}
    assert result["catalogue"]["Valby"] == {"free_spots": 0, "stale_listings": 1}
    assert result["catalogue"]["Amager Øst"] == {"free_spots": 0, "stale_listings": 0}
    assert len(result["catalogue"]) == 10

    base = result["baseline"]
    assert (base["period"], base["reference_day"]) == ("2025Q2", "2025-06-30")
    # Counted in Apr-Jun: C1, C2, C3, C6, C7 (phases) and C4 (R5 suggested 1 Jun); not C5 (ended 31 Mar).
    assert base["children_counted"] == 6
    # Attended 1-30 Jun: C3 (15 Jun), C7 (10 Jun). C6's 3 Jun was corrected to missed.
    assert base["in_positive_community"] == {"count": 2, "share": 0.3333}
    # 30 Jun: no active mentor yet; C7's R8 is active with the grandfather on 10 Jun.
    assert base["stable_adult_relation"] == {"count": 1, "share": 0.1667}
    assert base["bridges"] == {"count": 0, "to_fritidsjob": 0, "to_mentor": 0,
                               "median_days_in_fritidspakke": None}
    # 3 months: first sessions Jan-Mar: R1 (1 Feb; 5 May >= 2 May) retained; R4 (20 Mar; +90 = 18 Jun,
    # 15 Jun is too early and 10 Sep lies after the reference day) not retained.
    assert base["retention_3m"] == {"eligible": 2, "retained": 1, "share": 0.5}
    # 6 months: first sessions Oct-Dec 2024: R6 (1 Oct; 30 Mar = exactly +180) retained.
    assert base["retention_6m"] == {"eligible": 1, "retained": 1, "share": 1.0}
    # Nothing ended in Apr-Jun (R6 ended 31 Mar).
    assert base["end_reasons"] == reasons()


def test_per_district_breakdown_and_district_filter(history, session):
    result = compute_indicators(session, Q3)
    norrebro = result["per_district"]["Nørrebro"]
    # Nørrebro: C1-C4 counted; community C1, C3; stable C2, C3; bridges C1 (203) and C2 (164).
    assert norrebro["children_counted"] == 4
    assert norrebro["in_positive_community"] == {"count": 2, "share": 0.5}
    assert norrebro["stable_adult_relation"] == {"count": 2, "share": 0.5}
    assert norrebro["bridges"] == {"count": 2, "to_fritidsjob": 1, "to_mentor": 1,
                                   "median_days_in_fritidspakke": 183.5}
    assert norrebro["baseline"]["children_counted"] == 4
    assert result["per_district"]["Amager Vest"]["children_counted"] == 0
    assert result["per_district"]["Amager Vest"]["in_positive_community"]["share"] is None

    valby = compute_indicators(session, "2025Q3", district="Valby")
    # Valby: C6, C7 counted (C8 not); C7 in community and with a stable adult; one bridge (153 days).
    assert valby["district"] == "Valby"
    assert valby["children_counted"] == 2
    assert valby["in_positive_community"] == {"count": 1, "share": 0.5}
    assert valby["stable_adult_relation"] == {"count": 1, "share": 0.5}
    assert valby["bridges"]["median_days_in_fritidspakke"] == 153
    assert valby["retention_3m"] == {"eligible": 2, "retained": 2, "share": 1.0}
    assert valby["retention_6m"] == {"eligible": 0, "retained": 0, "share": None}
    assert valby["end_reasons"] == reasons(cost=1, lost_interest=1)
    assert list(valby["catalogue"]) == ["Valby"]
    assert "per_district" not in valby
    # Baseline Valby: C6, C7 counted; C7 in community (10 Jun) with the grandfather.
    assert valby["baseline"]["in_positive_community"] == {"count": 1, "share": 0.5}
    with pytest.raises(RecordError) as err:
        compute_indicators(session, Q3, district="Atlantis")
    assert err.value.field == "district"


def test_running_period_uses_today_as_reference_day(history, session):
    # Q3 seen on 10 Sep: window 12 Aug - 10 Sep. C2 (26 Aug), C3 (10 Sep), C6 (19, 26 Aug), C7 (5 Sep)
    # -> 4 children; C1's sessions (5 Aug, 15 Sep, 1 Aug, 20 Sep) all lie outside the window.
    result = compute_indicators(session, Q3, today=dt.date(2025, 9, 10))
    assert result["reference_day"] == "2025-09-10"
    assert result["in_positive_community"]["count"] == 4
    # On 10 Sep R7 has not ended yet: the reasons only count endings up to the reference day.
    assert result["end_reasons"] == reasons(too_far=1, cost=1)


def test_referral_outcomes_use_the_retention_rule(history, session):
    # as of 30 Jun 2025: first session on or before 1 Apr: R6 (1 Oct 2024, 15 Jan >= +90 = 30 Dec) -> 1,
    # R1 (1 Feb, 5 May >= 2 May) -> 1, R4 (20 Mar, 15 Jun < 18 Jun) -> 0. R8 (15 Apr) is too recent.
    rows = referral_outcomes(session, dt.date(2025, 6, 30))
    assert sorted((c["interest"], ok) for c, ok in rows) == [(0.1, 1), (0.4, 0), (0.6, 1)]
    assert all(c["distance"] == 0.5 for c, _ in rows)
    # By 30 Sep R4 has its 10 Sep session (>= 18 Jun) and R7, R8 qualify and succeed.
    later = dict((c["interest"], ok) for c, ok in referral_outcomes(session, dt.date(2025, 9, 30)))
    assert later == {0.1: 1, 0.4: 1, 0.6: 1, 0.7: 1, 0.8: 1}


@pytest.mark.parametrize("text, start, end, previous", [
    ("2025Q3", dt.date(2025, 7, 1), dt.date(2025, 9, 30), "2025Q2"),
    ("2025q1", dt.date(2025, 1, 1), dt.date(2025, 3, 31), "2024Q4"),
    ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31), "2024"),
    ("2025H2", dt.date(2025, 7, 1), dt.date(2025, 12, 31), "2025H1"),
    ("2024H1", dt.date(2024, 1, 1), dt.date(2024, 6, 30), "2023H2"),
])
def test_period_parse_and_previous(text, start, end, previous):
    p = Period.parse(text)
    assert (p.start, p.end, p.previous().label) == (start, end, previous)
    assert p.previous().end == p.start - dt.timedelta(days=1)


def test_period_shift_and_bad_input():
    assert Period.parse("2025Q3").shifted(-3) == (dt.date(2025, 4, 1), dt.date(2025, 6, 30))
    assert Period.parse("2025Q1").shifted(-6) == (dt.date(2024, 7, 1), dt.date(2024, 9, 30))
    assert add_months(dt.date(2025, 5, 31), -3) == dt.date(2025, 2, 28)
    for bad in ("2025Q5", "25Q1", "2025-07", "", "2025H3"):
        with pytest.raises(RecordError) as err:
            Period.parse(bad)
        assert err.value.field == "period"


def test_suppress_small():
    assert suppress_small({"a": 0, "b": 1, "c": 4, "d": 5, "e": 12, "f": None, "g": True}) == \
        {"a": 0, "b": None, "c": None, "d": 5, "e": 12, "f": None, "g": True}
    assert suppress_small({"x": 3}, marker="<5") == {"x": "<5"}


def test_community_window_is_a_setting(history, session):
    # 60 days ending 30 Sep = 2 Aug - 30 Sep: C1 (5 Aug), C2 (26 Aug), C3, C6 (19, 26 Aug), C7 -> 5 of 6.
    wide = compute_indicators(session, Q3, settings=IndicatorSettings(community_days=60))
    assert wide["in_positive_community"] == {"count": 5, "share": 0.8333}
    # Stale after 365 days: the mentoring offer verified 1 Jan 2025 is fresh again; the job never verified is not.
    assert wide["catalogue"]["Valby"]["stale_listings"] == 1
    fresh = compute_indicators(session, Q3, settings=IndicatorSettings(stale_after_days=365))
    assert fresh["catalogue"]["Valby"]["stale_listings"] == 0
    assert fresh["catalogue"]["Nørrebro"]["stale_listings"] == 1


def test_indicator_settings_from_environment():
    assert IndicatorSettings.from_env({}) == IndicatorSettings(30, 180)
    assert IndicatorSettings.from_env({"MATCHER_COMMUNITY_DAYS": "45", "MATCHER_STALE_AFTER_DAYS": "90"}) == \
        IndicatorSettings(45, 90)
    with pytest.raises(ConfigError):
        IndicatorSettings.from_env({"MATCHER_COMMUNITY_DAYS": "en måned"})
