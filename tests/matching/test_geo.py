"""Offline and geopy-backed geocoding of postcodes and districts."""

from types import SimpleNamespace

import pytest

from matcher.matching import GeopyGeocoder, OfflineGeocoder, haversine_km, make_geocoder


def test_postcode_lookup(geocoder):
    lat, lon, name = geocoder.postcode("2200")
    assert name == "København N"
    assert 55.6 < lat < 55.8 and 12.4 < lon < 12.7
    assert geocoder.postcode("9999") is None
    assert geocoder.postcode_district("2200") == "Nørrebro"
    assert geocoder.postcode_district("1800") is None  # Frederiksberg is not a Copenhagen district


@pytest.mark.parametrize(
    "spelling, canonical",
    [
        ("Nørrebro", "Nørrebro"),
        ("norrebro", "Nørrebro"),
        ("NOERREBRO", "Nørrebro"),
        ("Brønshøj-Husum", "Brønshøj-Husum"),
        ("broenshoej husum", "Brønshøj-Husum"),
        ("amager øst", "Amager Øst"),
        ("Amager Oest", "Amager Øst"),
        ("vesterbro/kongens enghave", "Vesterbro-Kongens Enghave"),
        ("Valby", "Valby"),
    ],
)
def test_district_spellings(geocoder, spelling, canonical):
    assert geocoder.normalise_district(spelling) == canonical
    assert geocoder.district_centroid(spelling) is not None


def test_ten_districts(geocoder):
    assert len(geocoder.districts()) == 10
    assert geocoder.normalise_district("Frederiksberg") is None


def test_haversine_copenhagen_aarhus():
    assert haversine_km(55.6761, 12.5683, 56.1629, 10.2039) == pytest.approx(157, abs=3)


def test_geopy_wrapper_sends_only_postcodes_and_falls_back():
    asked = []

    class Fake:
        def geocode(self, query, exactly_one=True):
            asked.append(query)
            if query.startswith("2200"):
                return SimpleNamespace(latitude=55.7, longitude=12.55, address="2200 København N")
            raise RuntimeError("service down")

    geo = GeopyGeocoder(Fake())
    assert geo.postcode("2200")[:2] == (55.7, 12.55)
    assert geo.postcode("2300") == OfflineGeocoder().postcode("2300")  # service error -> offline
    assert geo.postcode("Nørrebrogade 1") is None
    assert asked == ["2200, Denmark", "2300, Denmark"]
    assert geo.postcode_district("2200") == "Nørrebro"


def test_make_geocoder_default_is_offline():
    assert isinstance(make_geocoder(), OfflineGeocoder)
    assert isinstance(make_geocoder("https://nominatim.example.org"), GeopyGeocoder)
