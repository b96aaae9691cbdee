"""Validation of the one child-profile shape."""

import datetime as dt

import pytest

from matcher.matching import ChildProfile, ProfileError, OfflineGeocoder

TODAY = dt.date(2026, 11, 25)


def make(**data):
    data.setdefault("age", 12)
    return ChildProfile.from_dict(data, today=TODAY)


def test_minimal_profile_defaults():
    p = make(postcode="2200")
    assert p.age == 12 and p.gender == "unknown" and p.district == "Nørrebro"
    assert p.weekdays == () and p.waiting_list is False


def test_birth_date_gives_age():
    p = ChildProfile.from_dict({"birth_date": "2012-11-26"}, today=TODAY)
    assert p.age == 13
    assert ChildProfile.from_dict({"birth_date": "2012-11-25"}, today=TODAY).age == 14


def test_weekdays_accept_danish_and_comma_string():
    assert make(weekdays="mandag, Onsdag,fri").weekdays == ("mon", "wed", "fri")
    assert make(weekdays=["søndag", "lørdag"]).weekdays == ("sat", "sun")


def test_district_spelling_is_normalised():
    assert make(district="noerrebro").district == "Nørrebro"
    assert make(district="AMAGER ØST").district == "Amager Øst"


def test_postcode_9999_is_really_unknown_in_the_data():
    assert OfflineGeocoder().postcode("9999") is None


@pytest.mark.parametrize(
    "data, field",
    [
        ({"age": -3}, "age"),
        ({"age": 26}, "age"),
        ({"age": "ten"}, "age"),
        ({"age": True}, "age"),
        ({"age": 12.5}, "age"),
        ({"age": None}, "age"),
        ({"birth_date": "12/05/2014", "age": None}, "birth_date"),
        ({"birth_date": "2030-01-01", "age": None}, "birth_date"),
        ({"postcode": "9999"}, "postcode"),
        ({"postcode": "22000"}, "postcode"),
        ({"postcode": 2.2}, "postcode"),
        ({"district": "Frederiksberg"}, "district"),
        ({"district": 3}, "district"),
        ({"interests": "x" * 50_000}, "interests"),
        ({"interests": 5}, "interests"),
        ({"gender": "dreng"}, "gender"),
        ({"weekdays": ["monday", "someday"]}, "weekdays"),
        ({"weekdays": 3}, "weekdays"),
        ({"max_distance_km": 0}, "max_distance_km"),
        ({"max_distance_km": "far"}, "max_distance_km"),
        ({"max_monthly_fee_dkk": -1}, "max_monthly_fee_dkk"),
        ({"languages": "english!"}, "languages"),
        ({"waiting_list": "maybe"}, "waiting_list"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_errors_name_the_field(data, field):
    with pytest.raises(ProfileError) as info:
        make(**data)
    assert info.value.field == field
    assert field in str(info.value)
    assert isinstance(info.value, ValueError)


def test_interests_at_the_limit_are_fine():
    assert len(make(interests="a" * 2000).interests) == 2000


def test_not_a_dict():
    with pytest.raises(ProfileError):
        ChildProfile.from_dict(["age", 3])
