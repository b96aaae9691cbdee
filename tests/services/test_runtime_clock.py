"""Matching reads "today" from the runtime clock: Copenhagen's date, not the machine's UTC date."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.clock import Clock
from matcher.runtime import Runtime

UTC = dt.timezone.utc
#: Born on New Year's Day: 12 on 31 December 2026, 13 (too old for "U12", ages 10-12) on 1 January 2027.
CHILD = {"birth_date": "2014-01-01", "gender": "girl", "interests": "fodbold", "postcode": "2500"}


def runtime_at(*when: int) -> Runtime:
    return Runtime.from_env({"MATCHER_ENV": "testing"}, clock=Clock.fixed(dt.datetime(*when, tzinfo=UTC)), learn=False)


def titles(result) -> list[str]:
    return [m.candidate.name for m in result.results]


def test_a_match_at_2330_utc_on_new_years_eve_uses_copenhagens_new_year(catalogue):
    late = runtime_at(2026, 12, 31, 23, 30)  # 00:30 on 1 January in Copenhagen
    evening = runtime_at(2026, 12, 31, 22, 30)  # 23:30 on 31 December in Copenhagen
    assert late.today() == dt.date(2027, 1, 1) and evening.today() == dt.date(2026, 12, 31)
    assert "Pigefodbold U12" in titles(evening.matching.match(catalogue, CHILD))
    result = late.matching.match(catalogue, CHILD)
    assert "Pigefodbold U12" not in titles(result)
    assert result.excluded.get("age", 0) >= 1  # the child turned 13 by Copenhagen's calendar


def test_a_given_day_wins_over_the_clock(catalogue):
    late = runtime_at(2026, 12, 31, 23, 30)
    assert "Pigefodbold U12" in titles(late.matching.match(catalogue, CHILD, today=dt.date(2026, 12, 31)))


def test_the_clock_needs_an_aware_time_and_reads_copenhagen():
    with pytest.raises(ValueError):
        Clock.fixed(dt.datetime(2026, 6, 1, 12, 0))
    summer = Clock.fixed(dt.datetime(2026, 6, 30, 22, 30, tzinfo=UTC))  # CEST: 00:30 on 1 July
    assert summer.today() == dt.date(2026, 7, 1) and summer.now().tzinfo == UTC
    assert summer.local_now().hour == 0
