"""The match page shows the order used: labels never rise down the list, moved-up matches say why."""

from __future__ import annotations

import re

from matcher.matching.types import Match, RankResult
from matcher.web.matchpage import shown_strengths

from .test_children import text


def _match(score, moved=False):
    return Match(candidate=None, score=score, distance_km=None, moved_up=moved)  # type: ignore[arg-type]


def test_strength_labels_never_rise_down_the_list():
    result = RankResult([_match(0.82), _match(0.73, True), _match(0.70, True), _match(0.75, True), _match(0.76),
                         _match(0.40)], {})
    shown = shown_strengths(result)
    values = [v for v, _ in shown]
    assert values == sorted(values, reverse=True) and values[3] == 0.70
    assert [label for _, label in shown] == ["Meget god", "Meget god", "Meget god", "Meget god", "Meget god", "Mulig"]
    assert shown_strengths(None) == []


def test_match_page_shows_what_was_understood_and_refused(login):
    client = login("contact_person")
    page = text(client.get("/match?age=11&interests=ikke+fodbold%2C+hellere+tegne&postcode=2200"))
    assert "Forstået som: Tegning og maling · Ikke: Fodbold." in page
    assert "Barnet har sagt nej til fodbold" in page
    assert "Match nr. 1" in page and " %</strong>" not in page
    meters = [float(v) for v in re.findall(r'<meter id="score-\d+" min="0" max="1" value="([0-9.e-]+)"', page)]
    assert meters and meters == sorted(meters, reverse=True)
