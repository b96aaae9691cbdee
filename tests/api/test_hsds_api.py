"""The public HSDS 3.1 API on a live server: every endpoint, the filters, ndjson, POST, CORS, errors,
schema validity of every full service and page, and a consumer that pages through everything."""

from __future__ import annotations

import json
import math

import pytest
import requests
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.catalogue.hsds_export import iter_services
from matcher.catalogue.hsds_schemas import SCHEMA_DIR, compiled, entity, entity_names
from matcher.db import make_engine
from matcher.matching.distance import haversine_km
from matcher.matching.geo import OfflineGeocoder

TIMEOUT = 30


def get(live, path, **params):
    response = requests.get(live.base + "/api/hsds" + path, params=params, timeout=TIMEOUT)
    return response


def validator(name: str, list_view: bool = False) -> Draft202012Validator:
    """A validator for an official entity schema, its relative references resolved to the repo copies."""
    registry = Registry().with_resources((f"{n}.json", DRAFT202012.create_resource(entity(n))) for n in entity_names())
    schema = compiled(f"{name}_list") if list_view else entity(name)
    return Draft202012Validator(schema, registry=registry)


def exported(live) -> list[dict]:
    engine = make_engine(live.url)
    with Session(engine) as session:
        out = list(iter_services(session))
    engine.dispose()
    return out


def all_pages(live, path, per_page=37, **params) -> list[dict]:
    items, page = [], 1
    while True:
        body = get(live, path, page=page, per_page=per_page, **params).json()
        assert body["page_number"] == page and body["size"] == len(body["contents"])
        assert body["total_pages"] == max(1, math.ceil(body["total_items"] / per_page))
        items += body["contents"]
        if body["last_page"]:
            assert len(items) == body["total_items"] or path == "/service_at_locations"
            return items
        page += 1


def test_meta_links_the_profile_and_the_openapi_document(hsds_live):
    meta = get(hsds_live, "/").json()
    assert meta["version"] == "3.1"
    profile = requests.get(meta["profile"], timeout=TIMEOUT)
    assert profile.status_code == 200 and "Danish HSDS 3.1 profile" in profile.text
    assert profile.headers["Content-Type"].startswith("text/markdown")
    doc = requests.get(meta["openapi_url"], timeout=TIMEOUT).json()
    official = json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))
    assert set(doc["paths"]) == set(official["paths"])
    ref = doc["paths"]["/services/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.startswith(hsds_live.base + "/api/hsds/schema/compiled/service.json")
    assert requests.get(ref, timeout=TIMEOUT).json()["properties"]["organization"]["required"] == \
        ["id", "name", "description"]


def test_consumer_pages_through_everything_and_gets_the_export(hsds_live):
    export = exported(hsds_live)
    full = all_pages(hsds_live, "/services", full="true")
    assert full == json.loads(json.dumps(export))
    listed = all_pages(hsds_live, "/services", per_page=200)
    assert [s["id"] for s in listed] == [s["id"] for s in export]
    assert all(not any(isinstance(v, list) for v in s.values()) for s in listed)
    streamed = [json.loads(line) for line in get(hsds_live, "/services", format="ndjson", full="true").text.splitlines()]
    assert streamed == full
    orgs = all_pages(hsds_live, "/organizations")
    assert sorted(o["id"] for o in orgs) == sorted({s["organization"]["id"] for s in export})
    sals = all_pages(hsds_live, "/service_at_locations", per_page=50)
    assert sorted(x["id"] for x in sals) == sorted(sal["id"] for s in export for sal in s.get("service_at_locations", []))


def test_every_full_service_and_page_validates_against_the_official_schemas(hsds_live):
    service = validator("service")
    listed = validator("service", list_view=True)
    organisation, organisation_list = validator("organization"), validator("organization", list_view=True)
    sal, sal_list = validator("service_at_location"), validator("service_at_location", list_view=True)
    page_keys = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}
    for item in all_pages(hsds_live, "/services", per_page=200, full="true"):
        service.validate(item)
        service.validate(get(hsds_live, f"/services/{item['id']}").json())
    for item in all_pages(hsds_live, "/services", per_page=200):
        listed.validate(item)
    for item in all_pages(hsds_live, "/organizations", per_page=200):
        organisation_list.validate(item)
    for item in all_pages(hsds_live, "/organizations", per_page=20, full_service="true")[:20]:
        organisation.validate(item)
        assert item["services"] and "organization" not in item["services"][0]
    for item in all_pages(hsds_live, "/service_at_locations", per_page=200):
        sal_list.validate(item)
        listed.validate(item["service"])
    one = all_pages(hsds_live, "/service_at_locations", per_page=200)[0]
    full_sal = get(hsds_live, f"/service_at_locations/{one['id']}").json()
    sal.validate(full_sal)
    service.validate(full_sal["service"])
    for path in ("/taxonomies", "/taxonomy_terms"):
        body = get(hsds_live, path, per_page=200).json()
        assert set(body) == page_keys
        for item in body["contents"]:
            validator("taxonomy" if path == "/taxonomies" else "taxonomy_term").validate(item)


def test_filters_combine_with_and(hsds_live):
    export = exported(hsds_live)
    org_id = export[0]["organization"]["id"]
    by_org = all_pages(hsds_live, "/services", organization_id=org_id, full="true")
    assert by_org and {s["organization"]["id"] for s in by_org} == {org_id}
    assert len(by_org) == sum(s["organization"]["id"] == org_id for s in export)

    def carrying(taxonomy, code=None):
        return [s["id"] for s in export if any(
            a["taxonomy_term"]["taxonomy"] == taxonomy and code in (None, a["taxonomy_term"]["code"])
            for a in s.get("attributes", []))]

    football = next(t for t in get(hsds_live, "/taxonomy_terms", search="fodbold").json()["contents"]
                    if t["code"] == "fodbold")
    with_term = all_pages(hsds_live, "/services", taxonomy_term_id=football["id"], full="true")
    assert [s["id"] for s in with_term] == carrying("interest", "fodbold") and with_term
    # An imported attribute keeps its own term id: that id finds the same services.
    imported_id = next(a["taxonomy_term"]["id"] for s in export for a in s.get("attributes", [])
                       if a["taxonomy_term"]["code"] == "fodbold")
    assert all_pages(hsds_live, "/services", taxonomy_term_id=imported_id, full="true") == with_term

    for term in get(hsds_live, "/taxonomy_terms", per_page=200).json()["contents"]:
        if term["taxonomy"] == "interest":
            continue  # football stands for the interest terms
        got = [s["id"] for s in all_pages(hsds_live, "/services", per_page=200, taxonomy_term_id=term["id"])]
        assert got == carrying(term["taxonomy"], term["code"]), term["code"]
    girls = next(t for t in get(hsds_live, "/taxonomies").json()["contents"] if t["name"] == "gender")
    got = [s["id"] for s in all_pages(hsds_live, "/services", per_page=200, taxonomy_id=girls["id"])]
    assert got == carrying("gender") and got

    both = all_pages(hsds_live, "/services", taxonomy_term_id=football["id"], organization_id=org_id)
    assert {s["id"] for s in both} == {s["id"] for s in with_term} & {s["id"] for s in by_org}

    word = export[3]["name"].split()[0]
    found = all_pages(hsds_live, "/services", per_page=200, search=word.upper())
    assert export[3]["id"] in [s["id"] for s in found]
    assert all(word.lower() in (s["name"] + s["description"] + s["organization"]["name"]).lower() for s in found)
    assert get(hsds_live, "/services", search="zzqxj-ingen-har-det").json()["total_items"] == 0
    assert get(hsds_live, "/services", organization_id="ukendt").json()["empty"] is True


def test_modified_after_and_minimal(hsds_live):
    everything = get(hsds_live, "/services", minimal="true").json()
    assert everything["total_items"] == len(everything["contents"])  # minimal pages hold up to 10,000
    first = everything["contents"][0]
    assert set(first) == {"id", "name", "status", "last_modified"}
    stamps = sorted(s["last_modified"] for s in everything["contents"])
    assert get(hsds_live, "/services", modified_after="2000-01-01").json()["total_items"] == len(stamps)
    assert get(hsds_live, "/services", modified_after="2999-01-01T00:00:00Z").json()["total_items"] == 0
    later = get(hsds_live, "/services", modified_after=stamps[-1], minimal="true").json()["contents"]
    assert later and all(s["last_modified"] >= stamps[-1] for s in later)


def test_postcode_and_proximity_measure_from_the_centroid(hsds_live):
    centre = OfflineGeocoder().postcode("2200")
    near = all_pages(hsds_live, "/service_at_locations", per_page=200, postcode="2200", proximity="1500")
    assert near
    for item in near:
        loc = item["location"]
        assert haversine_km(centre[0], centre[1], loc["latitude"], loc["longitude"]) <= 1.5 * 1.002
    wider = all_pages(hsds_live, "/service_at_locations", per_page=200, postcode="2200", proximity="4000")
    assert {i["id"] for i in near} < {i["id"] for i in wider}
    everything = all_pages(hsds_live, "/service_at_locations", per_page=200)
    outside = [i for i in everything if i["id"] not in {w["id"] for w in wider}
               and "latitude" in i["location"]]
    assert all(haversine_km(centre[0], centre[1], i["location"]["latitude"], i["location"]["longitude"]) > 3.99
               for i in outside)
    in_code = get(hsds_live, "/service_at_locations", postcode="2200", per_page=200).json()["contents"]
    assert in_code and all(i["service"]["id"] for i in in_code)


def test_taxonomy_terms_hierarchy_and_lookups(hsds_live):
    terms = get(hsds_live, "/taxonomy_terms", per_page=200).json()["contents"]
    umbrella = next(t for t in terms if t["code"] == "kampsport")
    members = get(hsds_live, "/taxonomy_terms", parent_id=umbrella["id"], per_page=200).json()["contents"]
    assert members and all(m["parent_id"] == umbrella["id"] for m in members)
    assert {"karate", "judo"} <= {m["code"] for m in members}
    top = get(hsds_live, "/taxonomy_terms", top_only="true", per_page=200).json()["contents"]
    assert umbrella in top and not any("parent_id" in t for t in top) and len(top) == len(terms) - sum(
        "parent_id" in t for t in terms)
    interest = next(t for t in get(hsds_live, "/taxonomies").json()["contents"] if t["name"] == "interest")
    only = get(hsds_live, "/taxonomy_terms", taxonomy_id=interest["id"], per_page=200).json()["contents"]
    assert only and {t["taxonomy"] for t in only} == {"interest"}
    assert get(hsds_live, f"/taxonomy_terms/{umbrella['id']}").json() == umbrella
    assert get(hsds_live, f"/taxonomies/{interest['id']}").json() == interest


def test_ndjson_streams_every_list_without_pages(hsds_live):
    for path, total in (("/organizations", None), ("/service_at_locations", None), ("/taxonomy_terms", None)):
        response = get(hsds_live, path, format="ndjson", per_page=1)
        assert response.headers["Content-Type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in response.text.splitlines()]
        assert len(lines) >= get(hsds_live, path).json()["total_items"] > 1


def test_post_forms_take_the_same_parameters(hsds_live):
    term = get(hsds_live, "/taxonomy_terms", search="fodbold").json()["contents"][0]
    by_get = get(hsds_live, "/services", taxonomy_term_id=term["id"], per_page=5, page=2).json()
    url = hsds_live.base + "/api/hsds/services"
    assert requests.post(url, json={"taxonomy_term_id": term["id"], "per_page": 5, "page": 2},
                         timeout=TIMEOUT).json() == by_get
    assert requests.post(url, data={"taxonomy_term_id": term["id"], "per_page": "5", "page": "2"},
                         timeout=TIMEOUT).json() == by_get
    assert requests.post(url, params={"taxonomy_term_id": term["id"], "per_page": 5, "page": 2},
                         timeout=TIMEOUT).json() == by_get
    bad = requests.post(url, json={"per_page": [1]}, timeout=TIMEOUT)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "per_page"
    for path in ("/organizations", "/taxonomies", "/taxonomy_terms", "/service_at_locations"):
        assert requests.post(hsds_live.base + "/api/hsds" + path, timeout=TIMEOUT).json() == get(hsds_live, path).json()


@pytest.mark.parametrize(("path", "params", "field"), [
    ("/services", {"page": "0"}, "page"), ("/services", {"per_page": "201"}, "per_page"),
    ("/services", {"per_page": "-1"}, "per_page"), ("/services", {"format": "xml"}, "format"),
    ("/services", {"full": "kanske"}, "full"), ("/services", {"minimal": "2"}, "minimal"),
    ("/services", {"modified_after": "i går"}, "modified_after"), ("/services", {"search": "x" * 201}, "search"),
    ("/services", {"taxonomy_term_id": "a\x00b"}, "taxonomy_term_id"),
    ("/organizations", {"full_service": "ja tak"}, "full_service"),
    ("/taxonomy_terms", {"top_only": "maybe"}, "top_only"),
    ("/service_at_locations", {"postcode": "DK-2200"}, "postcode"),
    ("/service_at_locations", {"postcode": "0001", "proximity": "100"}, "postcode"),
    ("/service_at_locations", {"proximity": "100"}, "proximity"),
    ("/service_at_locations", {"postcode": "2200", "proximity": "nan"}, "proximity"),
    ("/service_at_locations", {"postcode": "2200", "proximity": "-5"}, "proximity"),
])
def test_bad_values_answer_400_naming_the_parameter(hsds_live, path, params, field):
    response = get(hsds_live, path, **params)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field and field in response.json()["error"]["message"]


@pytest.mark.parametrize("path", ["/services/nope", "/organizations/nope", "/taxonomies/nope",
                                  "/taxonomy_terms/nope", "/service_at_locations/nope", "/nothing-here"])
def test_unknown_ids_answer_404_as_json(hsds_live, path):
    response = get(hsds_live, path)
    assert response.status_code == 404 and response.json()["error"]["message"]


def test_cors_is_open_on_the_hsds_api_only(hsds_live):
    origin = {"Origin": "https://kommune.example"}
    for path in ("/api/hsds/", "/api/hsds/services", "/api/hsds/services?page=0", "/api/hsds/services/nope"):
        response = requests.get(hsds_live.base + path, headers=origin, timeout=TIMEOUT)
        assert response.headers.get("Access-Control-Allow-Origin") == "*", path
        assert "Access-Control-Allow-Credentials" not in response.headers
    preflight = requests.options(hsds_live.base + "/api/hsds/services", timeout=TIMEOUT,
                                 headers={**origin, "Access-Control-Request-Method": "POST"})
    assert preflight.headers.get("Access-Control-Allow-Origin") == "*"
    assert "POST" in preflight.headers.get("Access-Control-Allow-Methods", "")
    for path in ("/api/v1/offers", "/api/v1/openapi.json", "/login", "/soeg"):
        response = requests.get(hsds_live.base + path, headers=origin, timeout=TIMEOUT, allow_redirects=False)
        assert "Access-Control-Allow-Origin" not in response.headers, path


def test_nothing_private_is_published(hsds_live):
    engine = make_engine(hsds_live.url)
    from matcher.catalogue.models import Mentor
    from matcher.pathways.models import Child

    with Session(engine) as session:
        codes = list(session.scalars(select(Child.code)))
        mentors = [(m.name, m.external_id) for m in session.scalars(select(Mentor))]
    engine.dispose()
    assert codes and mentors
    text = "".join(get(hsds_live, path, format="ndjson", full="true", full_service="true").text
                   for path in ("/services", "/organizations", "/service_at_locations", "/taxonomy_terms"))
    assert not any(code in text for code in codes)
    assert not any(f'"{name}"' in text or f'"{ext}"' in text for name, ext in mentors)
