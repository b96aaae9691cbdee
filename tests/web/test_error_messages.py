"""Refused input: the form shows the catalogue's Danish text, the API answers with the same text and its code."""

from __future__ import annotations

import pytest

from matcher.clock import local_today
from matcher.messages import render


@pytest.fixture
def api(client, token):
    """Return a function calling the API as ``role``."""
    def call(role: str, method: str, url: str, body=None, **kwargs):
        return client.open(url, method=method, json=body, headers={"Authorization": f"Bearer {token(role)}"},
                           **kwargs)
    return call


def test_a_refused_form_shows_the_danish_text_of_the_code(login):
    client = login("contact_person")
    response = client.post("/boern/ny", data={"code": "BU-FEJL1", "birth_year": "1800", "postcode": "2200"})
    page = response.get_data(as_text=True)
    danish = render("child.birth_year", {"first": 1990, "last": local_today().year})
    assert response.status_code == 400 and f"Fødselsår {danish}." in page
    assert "must be a year" not in page


def test_the_api_answers_with_code_field_and_the_same_danish_text(api):
    response = api("contact_person", "POST", "/api/v1/children", {"code": "BU-FEJL2", "birth_year": 1800})
    error = response.get_json()["error"]
    assert response.status_code == 400 and (error["code"], error["field"]) == ("child.birth_year", "birth_year")
    assert error["message"].startswith(render("child.birth_year", {"first": 1990, "last": 1990})[:30])


@pytest.mark.parametrize("body,code,field", [
    ({"code": "x"}, "child.code_format", "code"),
    ({"code": "BU-FEJL3", "interests": "cpr 010203-1234"}, "text.cpr", "interests"),
    ({"code": "BU-FEJL3", "weekdays": ["someday"]}, "child.unknown_weekday", "weekdays"),
])
def test_each_refusal_names_its_code(api, body, code, field):
    error = api("contact_person", "POST", "/api/v1/children", body).get_json()["error"]
    assert (error["code"], error["field"]) == (code, field)


def test_a_body_that_is_not_json_answers_with_a_code(api, client, token):
    response = client.post("/api/v1/children", data=b'{"code": ', content_type="application/json",
                           headers={"Authorization": f"Bearer {token('contact_person')}"})
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["code"] == "body.syntax" and "linje 1" in error["message"]


def test_someone_elses_child_is_refused_with_a_code(api, kids):
    error = api("contact_person", "GET", f"/api/v1/children/{kids.other_child}").get_json()["error"]
    assert error["code"] == "not_allowed"


def test_the_openapi_document_describes_the_code(client):
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Error"]
    assert "code" in schema["properties"]["error"]["properties"]
