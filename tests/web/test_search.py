"""Search: typo tolerance, synonyms, mapped terms, filters, distance, the map and the pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from sqlalchemy import select

from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import InterestTerm
from matcher.catalogue.operations import update_term
from matcher.catalogue.search import SearchQuery, interest_matcher, parse_query, search
from matcher.catalogue.taxonomy import map_term
from matcher.runtime import runtime_of


def titles(db, **kwargs) -> list[str]:
    return [r.title for r in search(db, SearchQuery(**kwargs)).rows]


@pytest.mark.parametrize("text", ["fodbold", "fotbold", "Fodbolt", "soccer", "football", "pigefodbold",
                                  "Eksempel Boldklub", "boldklub", "eksempl boldklub"])
def test_text_finds_the_football_offer(db, text):
    assert titles(db, text=text) == ["Pigefodbold U12"]


def test_text_finds_the_leisure_job_and_nothing_for_nonsense(db):
    assert titles(db, text="bagerhjælper") == ["Fritidsjob som bagerhjælper"]
    assert titles(db, text="xylofon") == []


@pytest.mark.parametrize("kwargs,expected", [
    ({"age": 11}, ["Pigefodbold U12"]),
    ({"age": 15}, ["Fritidsjob som bagerhjælper"]),
    ({"kind": "leisure-job"}, ["Fritidsjob som bagerhjælper"]),
    ({"weekday": "tue"}, ["Pigefodbold U12"]),
    ({"weekday": "sun"}, []),
    ({"fee_support": True}, ["Pigefodbold U12"]),
    ({"district": "valby"}, ["Pigefodbold U12"]),
])
def test_filters(db, kwargs, expected):
    assert titles(db, **kwargs) == expected


def test_distance_from_a_postcode(db):
    near = search(db, SearchQuery(postcode="2500", max_km=3)).rows
    assert [r.title for r in near] == ["Pigefodbold U12"]
    assert 0 < near[0].distance_km <= 3
    assert titles(db, postcode="3000", max_km=5) == []  # Helsingør is far away
    everything = search(db, SearchQuery(postcode="2500")).rows
    assert len(everything) == 2 and everything[0].distance_km <= everything[1].distance_km


def test_result_rows_carry_key_facts(db):
    row = search(db, SearchQuery(text="fodbold"), today=dt.date(2026, 10, 1), stale_after_days=180).rows[0]
    assert row.organisation_name == "Eksempel Boldklub" and row.organisation_external_id
    assert row.times == ["tir, tor 16:30–17:45"] and row.monthly_fee_dkk == 120.0 and row.spots_free == 5
    assert row.stale is False
    assert search(db, SearchQuery(text="fodbold"), today=dt.date(2027, 6, 1)).rows[0].stale is True


def test_taxonomy_edits_reach_the_cached_matcher(db):
    matcher, _ = interest_matcher(db)
    assert interest_matcher(db)[0] is matcher  # cached while the taxonomy is unchanged
    term = db.scalars(select(InterestTerm).where(InterestTerm.code == "fodbold")).one()
    update_term(db, term, term.name, [*term.synonyms, "kicken"])
    assert titles(db, text="kicken") == ["Pigefodbold U12"]


def test_mapped_term_matches_as_its_target(db, ids):
    imported = InterestTerm(code="street-soccer", name="Gadefodbold", synonyms=["panna"], needs_mapping=True)
    db.add(imported)
    db.flush()
    assert titles(db, text="panna") == []
    map_term(db, imported, db.get(InterestTerm, ids.term))
    assert titles(db, text="panna") == ["Pigefodbold U12"]


@pytest.mark.parametrize("args,field", [
    ({"age": "ti"}, "age"), ({"age": "99"}, "age"), ({"kind": "sport"}, "kind"), ({"weekday": "x"}, "weekday"),
    ({"postcode": "25"}, "postcode"), ({"max_km": "3"}, "postcode"),
    ({"postcode": "2500", "max_km": "langt"}, "max_km"), ({"limit": "0"}, "limit"), ({"offset": "-1"}, "offset"),
])
def test_parse_query_names_the_field(args, field):
    with pytest.raises(RecordError) as err:
        parse_query(args)
    assert err.value.field == field


def test_parse_query_accepts_danish_names():
    q = parse_query({"kind": "fritidsjob", "weekday": "tir", "free": "1", "max_km": "2,5", "postcode": "2200"})
    assert (q.kind, q.weekday, q.free_only, q.max_km) == ("leisure-job", "tue", True, 2.5)


def test_unknown_postcode_and_district(db):
    with pytest.raises(RecordError) as err:
        search(db, SearchQuery(postcode="0001"))
    assert err.value.field == "postcode"
    with pytest.raises(RecordError) as err:
        search(db, SearchQuery(district="atlantis"))
    assert err.value.field == "district"


def test_search_page_lists_results_with_map(client, login):
    login("contact_person")
    html = client.get("/soeg?q=fotbold&postcode=2500").get_data(as_text=True)
    assert "1 tilbud fundet" in html and "Pigefodbold U12" in html and "Eksempel Boldklub" in html
    assert "Søgningen forstås som: Fodbold" in html
    assert html.count("<path d=") == 10 and "<circle" in html  # 10 districts and one point
    assert 'role="img"' in html and "kort-tekst" in html
    assert " km</strong> væk" in html and "," in html.split(" km</strong>")[0][-4:]  # Danish decimal comma
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == [] and " style=" not in html  # CSP-ready
    assert "http://" not in html and "https://" not in html  # no outside resources


def test_search_page_shows_stale_flag(app, client, login):
    runtime_of(app).settings = dataclasses.replace(runtime_of(app).settings, stale_after_days=1)
    login("key_staff")
    assert "Forældet" in client.get("/soeg?q=fodbold").get_data(as_text=True)


def test_search_page_error_is_linked_to_the_field(client, login):
    login("key_staff")
    response = client.get("/soeg?postcode=abc")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#f-postcode"' in html and 'aria-describedby="f-postcode-fejl"' in html


def test_offer_page_shows_facts(client, login, ids):
    login("contact_person")
    html = client.get(f"/tilbud/{ids.own}").get_data(as_text=True)
    for text in ("Pigefodbold U12", "Eksempel Boldklub", "10–12 år", "tir, tor 16:30–17:45", "120 kr.",
                 "kontingentstøtte", "20 i alt, 5 ledige", "dansk", "1. september 2026", "Valby"):
        assert text in html, text
    assert "Ret tilbuddet" not in html  # contact persons do not edit listings


def test_an_edit_committed_elsewhere_refreshes_the_cached_matcher(app, db):
    """Another process (here: another engine) edits the taxonomy; the revision counter tells this one."""
    from matcher.db import make_engine
    from matcher.models import make_session_factory

    matcher, _ = interest_matcher(db)
    db.commit()
    engine = make_engine(app.config["DATABASE_URL"])
    with make_session_factory(engine)() as other:
        term = other.scalars(select(InterestTerm).where(InterestTerm.code == "fodbold")).one()
        update_term(other, term, term.name, [*term.synonyms, "bolde"])
        other.commit()
    engine.dispose()
    assert interest_matcher(db)[0] is not matcher
    assert titles(db, text="bolde") == ["Pigefodbold U12"]
