"""The JSON API: search, read, change with version checks, mentors, organisations, HSDS feed."""

from __future__ import annotations

import pytest

from matcher.clock import local_today as copenhagen_today


@pytest.fixture
def api(client, token):
    """Return a function calling the API as ``role``."""
    def call(role: str, method: str, url: str, body=None):
        return client.open(url, method=method, json=body, headers={"Authorization": f"Bearer {token(role)}"})
    return call


def test_search_reuses_the_search_page_logic(api):
    body = api("contact_person", "GET", "/api/v1/offers?q=fotbold&postcode=2500&max_km=5").get_json()
    assert body["total"] == 1 and body["interests"] == ["Fodbold"]
    row = body["results"][0]
    assert row["title"] == "Pigefodbold U12" and row["external_id"] == "c1404959-d3aa-5da2-a02e-03e34d695e1c"
    assert row["organisation_external_id"] == "412cf209-21e4-597d-bf75-0cad7a07263b" and row["organisation_id"]
    assert row["distance_km"] <= 5 and row["verified_at"] == "2026-09-01"


@pytest.mark.parametrize("query,field", [("limit=abc", "limit"), ("limit=501", "limit"), ("offset=-3", "offset"),
                                         ("age=old", "age"), ("kind=x", "kind"), ("max_km=3", "postcode"),
                                         ("postcode=0001", "postcode"), ("district=atlantis", "district")])
def test_search_errors_name_the_field(api, query, field):
    response = api("key_staff", "GET", f"/api/v1/offers?{query}")
    assert response.status_code == 400 and response.get_json()["error"]["field"] == field


def test_paging(api):
    first = api("key_staff", "GET", "/api/v1/offers?limit=1").get_json()
    second = api("key_staff", "GET", "/api/v1/offers?limit=1&offset=1").get_json()
    assert first["total"] == second["total"] == 2
    assert first["results"][0]["id"] != second["results"][0]["id"]


def test_offer_detail(api, ids):
    body = api("club_rep", "GET", f"/api/v1/offers/{ids.own}").get_json()
    assert body["id"] == ids.own and body["external_id"] and body["organisation_external_id"]
    assert body["schedules"][0]["weekdays"] == ["tue", "thu"] and body["schedules"][0]["opens_at"] == "16:30"
    assert body["interests"][0]["code"] == "fodbold" and body["version"] >= 1
    assert api("club_rep", "GET", "/api/v1/offers/424242").get_json()["error"]["message"]


def test_patch_with_version_and_conflict(api, ids):
    version = api("club_rep", "GET", f"/api/v1/offers/{ids.own}").get_json()["version"]
    ok = api("club_rep", "PATCH", f"/api/v1/offers/{ids.own}", {"spots_free": 3, "status": "paused",
                                                                "version": version})
    assert ok.status_code == 200, ok.get_json()
    body = ok.get_json()
    assert body["spots_free"] == 3 and body["status"] == "paused" and body["version"] == version + 1
    assert sorted(body["changed"]) == ["spots_free", "status", "verified_at"]  # the club's save confirms
    stale = api("key_staff", "PATCH", f"/api/v1/offers/{ids.own}", {"spots_free": 4, "version": version})
    assert stale.status_code == 409 and stale.get_json()["error"]["field"] == "version"
    assert api("key_staff", "GET", f"/api/v1/offers/{ids.own}").get_json()["spots_free"] == 3


@pytest.mark.parametrize("body,field", [
    ({"spots_free": -2}, "spots_free"), ({"age_min": 13}, "age_min"), ({"fee_support": "kanske"}, "fee_support"),
    ({"status": "gone"}, "status"), ({"organisation_id": 1}, "organisation_id"), ({"version": "2"}, "version"),
    ({"title": ""}, "title"), ({}, "body"),
])
def test_patch_errors_name_the_field(api, ids, body, field):
    response = api("admin", "PATCH", f"/api/v1/offers/{ids.own}", body)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == field


def test_patch_needs_a_json_object(client, token, ids):
    response = client.patch(f"/api/v1/offers/{ids.own}", data="[1]", content_type="application/json",
                            headers={"Authorization": f"Bearer {token('admin')}"})
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "body"


def test_club_rep_only_patches_own_organisation(api, ids):
    response = api("club_rep", "PATCH", f"/api/v1/offers/{ids.other}", {"spots_free": 0})
    assert response.status_code == 403 and "egen forening" in response.get_json()["error"]["message"]
    assert api("contact_person", "PATCH", f"/api/v1/offers/{ids.own}", {"spots_free": 0}).status_code == 403


def test_confirm(api, ids):
    body = api("club_rep", "POST", f"/api/v1/offers/{ids.own}/confirm").get_json()
    assert body["verified_at"] == copenhagen_today().isoformat() and body["stale"] is False
    assert api("club_rep", "POST", f"/api/v1/offers/{ids.own}/confirm", {"version": 1}).status_code == 409


def test_organisation(api, ids):
    body = api("contact_person", "GET", f"/api/v1/organisations/{ids.own_org}").get_json()
    assert body["name"] == "Eksempel Boldklub" and body["external_id"] == "412cf209-21e4-597d-bf75-0cad7a07263b"
    assert [o["id"] for o in body["offers"]] == [ids.own]


def test_mentors_for_staff_only(api, client, login, db):
    from matcher.catalogue.mentors_import import import_mentors
    from tests.web.conftest import DATA

    import_mentors(db, (DATA / "mentors-example.csv").read_bytes())
    db.commit()
    body = api("contact_person", "GET", "/api/v1/mentors?limit=1").get_json()
    assert body["total"] == 2 and len(body["results"]) == 1
    mentor = body["results"][0]
    assert mentor["external_id"] == "ex-m-1" and mentor["childcert_valid_until"] == "2028-06-30"
    assert api("key_staff", "GET", "/api/v1/mentors?district=noerrebro").get_json()["total"] == 1
    assert api("key_staff", "GET", "/api/v1/mentors?district=nowhere").status_code == 400
    assert api("club_rep", "GET", "/api/v1/mentors").status_code == 403


def test_api_is_bearer_only(client, login):
    login("admin")
    assert client.get("/api/v1/offers").status_code == 401  # a session cookie is not enough


def test_hsds_feed_is_public_and_paginated(client, db):
    from matcher.catalogue.mentors_import import import_mentors
    from tests.web.conftest import DATA

    import_mentors(db, (DATA / "mentors-example.csv").read_bytes())
    db.commit()
    page = client.get("/api/hsds/services?per_page=1&page=2").get_json()
    assert {k: page[k] for k in ("total_items", "total_pages", "page_number", "size", "first_page", "last_page",
                                 "empty")} == {"total_items": 2, "total_pages": 2, "page_number": 2, "size": 1,
                                               "first_page": False, "last_page": True, "empty": False}
    service = page["contents"][0]
    assert service["id"] and service["organization"]["id"] and "name" in service
    assert client.get("/api/hsds/services?page=9").get_json()["empty"] is True
    bad = client.get("/api/hsds/services?per_page=0")
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "per_page"
    text = client.get("/api/hsds/services").get_data(as_text=True)
    assert "ex-m-1" not in text and "Sara" not in text  # mentors never appear in the public feed


def _raw(client, token, method: str, url: str, text: str | bytes, role: str = "contact_person"):
    return client.open(url, method=method, data=text, content_type="application/json",
                       headers={"Authorization": f"Bearer {token(role)}"})


@pytest.mark.parametrize("text,field,words", [
    ('{"child": ' + "[" * 20_000 + "]" * 20_000 + "}", "child[0][0][0][0][0][0][0]…", "indlejret 64"),
    ('{"child": {"age": ' + "[" * 20_000 + "}", "child.age[0][0][0][0][0][0]…", "indlejret 64"),
    ('{"child": {"age": NaN, "postcode": "2500"}}', "child.age", "NaN"),
    ('{"child": {"age": Infinity}}', "child.age", "Infinity"),
    ('{"child": {"age": 1e999}}', "child.age", "endeligt"),
    ('{"child": {"age": 11,', "body", "ikke gyldig JSON"),
    (b'{"child": "\xff"}', "body", "UTF-8"),
])
def test_match_refuses_hostile_json_with_400_naming_the_field(client, token, text, field, words):
    response = _raw(client, token, "POST", "/api/v1/match", text)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["field"] == field and words in error["message"]


def test_every_json_body_is_read_strictly(client, token, ids):
    deep = "[" * 20_000 + "]" * 20_000
    for method, url in (("PATCH", f"/api/v1/offers/{ids.own}"), ("POST", "/api/v1/children"),
                        ("POST", f"/api/v1/offers/{ids.own}/confirm")):
        response = _raw(client, token, method, url, '{"x": ' + deep + "}", role="admin")
        assert response.status_code == 400, (url, response.status_code)
        assert response.get_json()["error"] == {"message": "JSON må højst være indlejret 64 niveauer (linje 1, kolonne 70)",
                                                "field": "x[0][0][0][0][0][0][0]…"}, url
