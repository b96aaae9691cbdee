"""Search beyond a district wall: nearest matches outside it, gender and time-of-day filters, sorting."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matcher.accounts.models import User
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import District, Organisation
from matcher.catalogue.new_offers import create_offer
from matcher.catalogue.search import SearchQuery, parse_query, search
from matcher.matching.distance import haversine_km


def add_offers(db, specs) -> dict[str, int]:
    """Create public offers (as key staff would) from (title, postcode, fee, spots, gender, days, opens)."""
    staff = db.scalars(select(User).where(User.email == "key_staff@kk.dk")).one()
    org = db.scalars(select(Organisation).order_by(Organisation.id)).first()
    out = {}
    for title, postcode, fee, spots, gender, days, opens in specs:
        offer = create_offer(db, org, {"title": title, "postcode": postcode, "address": "", "monthly_fee_dkk": fee,
                                       "capacity": 20, "spots_free": spots, "gender": gender,
                                       "interests": ["fodbold"], "age_min": 8, "age_max": 12,
                                       "schedules": [{"weekdays": days, "opens_at": opens, "closes_at": None}]},
                             staff, needs_review=False)
        out[title] = offer.id
    db.commit()
    return out


@pytest.fixture
def teams(db):
    """Three football teams in Valby and on Vesterbro, none in Nørrebro (the fixture's girls' team is in Valby)."""
    return add_offers(db, [("Drenge U10", "2500", "150", 4, "boys", ["mon"], "17:30"),
                           ("Mix U11", "1799", "0", 9, "", ["wed"], "10:00"),
                           ("Mix U12", "2450", "300", None, "", ["tue"], "15:00")])


def test_an_empty_district_shows_the_nearest_matches_outside_it(db, teams):
    result = search(db, SearchQuery(text="fodbold", district="noerrebro", age=10))
    assert result.total == 0 and result.rows == []
    assert result.nearby and all(r.district_name != "Nørrebro" for r in result.nearby)
    nørrebro = db.scalars(select(District).where(District.slug == "noerrebro")).one()
    for row in result.nearby:
        expected = round(float(haversine_km(nørrebro.centroid_lat, nørrebro.centroid_lon, row.lat, row.lon)), 1)
        assert row.distance_km == pytest.approx(expected, abs=0.051)
    distances = [r.distance_km for r in result.nearby]
    assert distances == sorted(distances)
    lo, hi = (f"{d:.1f}".replace(".", ",") for d in (distances[0], distances[-1]))
    assert result.nearby_summary() == f"{len(distances)} tilbud i nærheden, {lo}–{hi} km væk"
    assert result.origin_label == "midten af Nørrebro"
    activity = search(db, SearchQuery(text="fodbold", district="noerrebro", kind="activity"))
    assert activity.nearby_summary().split()[1] == "hold"


def test_few_results_get_nearby_too_enough_get_none(db, teams):
    few = search(db, SearchQuery(text="fodbold", district="valby"))
    assert few.total == 2 and few.nearby and all(r.district_name != "Valby" for r in few.nearby)
    add_offers(db, [("Drenge U12", "2500", "150", 1, "boys", ["thu"], "18:00")])
    enough = search(db, SearchQuery(text="fodbold", district="valby"))
    assert enough.total == 3 and enough.nearby == [] and enough.nearby_summary() is None


def test_nearby_respects_the_other_filters(db, teams):
    girls = search(db, SearchQuery(text="fodbold", district="noerrebro", gender="girls-only"))
    assert [r.title for r in girls.nearby] == ["Pigefodbold U12"]
    assert search(db, SearchQuery(text="xylofon", district="noerrebro")).nearby == []


@pytest.mark.parametrize("gender,expected", [
    ("girl", {"Pigefodbold U12", "Mix U11", "Mix U12"}), ("boy", {"Drenge U10", "Mix U11", "Mix U12"}),
    ("girls-only", {"Pigefodbold U12"}), ("boys-only", {"Drenge U10"})])
def test_gender_filter(db, teams, gender, expected):
    assert {r.title for r in search(db, SearchQuery(text="fodbold", gender=gender)).rows} == expected


@pytest.mark.parametrize("daypart,expected", [("morning", {"Mix U11"}), ("afternoon", {"Pigefodbold U12", "Mix U12"}),
                                              ("evening", {"Drenge U10", "Pigefodbold U12"})])
def test_time_of_day_filter(db, teams, daypart, expected):
    assert {r.title for r in search(db, SearchQuery(text="fodbold", daypart=daypart)).rows} == expected


def test_time_of_day_on_a_weekday(db, teams):
    rows = search(db, SearchQuery(text="fodbold", weekday="tue", daypart="afternoon")).rows
    assert {r.title for r in rows} == {"Pigefodbold U12", "Mix U12"}
    assert search(db, SearchQuery(text="fodbold", weekday="mon", daypart="morning")).rows == []


def test_sort_by_price_spots_and_distance(db, teams):
    by_price = [r.monthly_fee_dkk for r in search(db, SearchQuery(text="fodbold", sort="price")).rows]
    assert by_price == sorted(by_price)
    by_spots = [r.spots_free for r in search(db, SearchQuery(text="fodbold", sort="spots")).rows]
    assert by_spots[-1] is None and by_spots[:-1] == sorted(by_spots[:-1], reverse=True)
    near = search(db, SearchQuery(text="fodbold", postcode="2500", sort="distance")).rows
    assert [r.distance_km for r in near] == sorted(r.distance_km for r in near)
    centre = search(db, SearchQuery(text="fodbold", district="valby", sort="distance")).rows
    assert all(r.distance_km is not None for r in centre)


@pytest.mark.parametrize("args,field", [({"gender": "x"}, "gender"), ({"time": "night"}, "time"),
                                        ({"sort": "colour"}, "sort")])
def test_bad_filters_name_the_field(args, field):
    with pytest.raises(RecordError) as caught:
        parse_query(args)
    assert caught.value.field == field


def test_danish_aliases_are_understood():
    q = parse_query({"gender": "piger", "time": "eftermiddag", "sort": "pris"})
    assert (q.gender, q.daypart, q.sort) == ("girl", "afternoon", "price")


def test_distance_sort_needs_a_place(db):
    with pytest.raises(RecordError) as caught:
        search(db, SearchQuery(sort="distance"))
    assert caught.value.field == "sort"


def test_search_page_shows_nearby_filters_and_sort(client, login, teams):
    login("contact_person")
    html = client.get("/soeg?q=fodbold&district=noerrebro&sort=price").get_data(as_text=True)
    assert "0 tilbud fundet" in html and "i nærheden" in html and "Ingen i Nørrebro" in html
    assert 'id="f-gender"' in html and 'id="f-time"' in html and '<option value="price" selected>' in html
    assert "Ingen tilbud passer på søgningen" not in html  # no dead end
    bad = client.get("/soeg?sort=distance")
    assert bad.status_code == 400 and 'href="#f-sort"' in bad.get_data(as_text=True)


def test_api_answers_nearby_and_takes_the_new_filters(app, token, teams):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token('contact_person')}"}
    body = client.get("/api/v1/offers?q=fodbold&district=noerrebro", headers=headers).get_json()
    assert body["total"] == 0 and body["nearby"] and body["nearby_summary"].endswith("km væk")
    assert body["distance_from"] == "midten af Nørrebro"
    only_boys = client.get("/api/v1/offers?q=fodbold&gender=boys-only&time=evening", headers=headers).get_json()
    assert [r["title"] for r in only_boys["results"]] == ["Drenge U10"] and only_boys["results"][0]["gender"] == "boys"
    bad = client.get("/api/v1/offers?sort=colour", headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "sort"
