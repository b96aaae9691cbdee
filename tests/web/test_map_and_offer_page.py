"""The tile map setting (and its CSP), the district drawing as fallback, and the offer page's place and contacts."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from matcher.config import ConfigError, Settings, tile_origin
from matcher.runtime import runtime_of
from matcher.web.search import venue_lines
from matcher.web.security import content_security_policy

OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@pytest.mark.parametrize("template,origin", [
    (OSM, "https://tile.openstreetmap.org"),
    ("https://{s}.tile.example.dk/{z}/{x}/{y}.png", "https://*.tile.example.dk"),
    ("http://127.0.0.1:8123/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8123")])
def test_tile_setting_and_its_csp_source(template, origin):
    settings = Settings.from_env({"MATCHER_MAP_TILES": template, "MATCHER_MAP_ATTRIBUTION": "© Nogen"})
    assert settings.map_tiles == template and settings.map_attribution == "© Nogen"
    assert tile_origin(template) == origin
    assert f"img-src 'self' data: {origin};" in content_security_policy(template)


@pytest.mark.parametrize("bad", ["ftp://x.dk/{z}/{x}/{y}", "https://x.dk/tiles.png", "tiles/{z}/{x}/{y}.png",
                                 "https://a{s}.x.dk/{z}/{x}/{y}.png", "https://u@x.dk/{z}/{x}/{y}.png"])
def test_bad_tile_settings_are_refused(bad):
    with pytest.raises(ConfigError):
        Settings.from_env({"MATCHER_MAP_TILES": bad})


def test_without_tiles_the_district_drawing_and_no_tile_host(client, login):
    login("contact_person")
    response = client.get("/soeg?q=fodbold")
    html = response.get_data(as_text=True)
    assert "img-src 'self' data:;" in response.headers["Content-Security-Policy"]
    assert "<svg" in html and "data-tiles" not in html and "leaflet.js" not in html


def test_with_tiles_the_page_carries_the_pins_and_the_csp_allows_the_host(app, client, login, ids):
    runtime_of(app).settings = dataclasses.replace(runtime_of(app).settings, map_tiles=OSM,
                                                         map_attribution="© OpenStreetMap")
    login("contact_person")
    response = client.get("/soeg?q=fodbold")
    html = response.get_data(as_text=True)
    assert "img-src 'self' data: https://tile.openstreetmap.org;" in response.headers["Content-Security-Policy"]
    assert f'data-tiles="{OSM}"' in html and "vendor/leaflet/leaflet.js" in html and "markercluster" in html
    assert f"&#34;url&#34;: &#34;/tilbud/{ids.own}&#34;" in html or f'&#34;url&#34;:&#34;/tilbud/{ids.own}' in html
    assert "<svg" in html  # still there for browsers without JavaScript


def test_vendored_map_libraries_are_served_with_their_licences(client):
    for path in ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "vendor/leaflet/LICENSE",
                 "vendor/leaflet.markercluster/leaflet.markercluster.js", "vendor/leaflet.markercluster/LICENSE"):
        response = client.get(f"/static/{path}")
        assert response.status_code == 200 and response.data, path
        response.close()


@pytest.mark.parametrize("place,address,postcode,city,expected", [
    ("Klubben, Ved Glyptoteket 6", "Ved Glyptoteket 6", "1575", "København V",
     ["Klubben, Ved Glyptoteket 6", "1575 København V"]),
    ("Lersøparken", "Lersøparken", "2400", "København NV", ["Lersøparken", "2400 København NV"]),
    ("Valby Hallen", "Julius Andersens Vej 3", "2450", None, ["Valby Hallen", "Julius Andersens Vej 3", "2450"]),
    (None, "Vej 1", None, None, ["Vej 1"]), (None, None, None, None, [])])
def test_the_offer_page_shows_each_part_of_the_address_once(place, address, postcode, city, expected):
    offer = SimpleNamespace(place_name=place, address=address, postcode=postcode, city=city)
    assert venue_lines(offer) == expected


def test_offer_page_has_contacts_print_and_referral_for_staff(client, login, ids):
    login("key_staff")
    html = client.get(f"/tilbud/{ids.own}").get_data(as_text=True)
    assert "Telefon:" in html and "Kontaktperson: " in html and "club_rep@kk.dk" in html
    assert 'class="secondary print-button" hidden' in html and "catalogue.js" in html
    assert html.count("Eksempelvej") <= 1
    assert "Henvis et barn" in html
