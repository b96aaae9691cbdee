"""Schemathesis runs Open Referral's official HSDS 3.1 OpenAPI document against the live server.

The document is the repo copy (``matcher/data/hsds/schema/openapi.json``) with its remote ``$ref``s
replaced by the local schemas (``hsds_schemas.openapi_document()``): compiled service, organisation and
service_at_location schemas built from the official entity files. One deviation, documented there:
``GET /service_at_locations/{id}`` is checked against the service_at_location schema, because the
official document names the service schema, which no service_at_location can satisfy.

Checks: no 500s, the documented content type, 200 bodies matching the official schemas, and — since the
official document lists no error answers — every other answer must be a JSON 400 naming the parameter
or a JSON 404.
"""

from __future__ import annotations

import pytest

from matcher.catalogue.hsds_schemas import openapi_document
from tests.api.fuzz import requests_for, require_schemathesis, run_fuzz, schemathesis

OPERATIONS = [(method, path) for path, item in openapi_document()["paths"].items()
              for method in item if method in ("get", "post")]


@pytest.fixture(scope="module")
def official_schema(hsds_live):
    """Load the official HSDS document with local schemas (fail in CI, skip elsewhere, without schemathesis)."""
    require_schemathesis("HSDS fuzz test")
    return schemathesis.openapi.from_dict(openapi_document())


@pytest.fixture(scope="module")
def known_ids(hsds_live):
    """Return up to 30 ids that exist per HSDS item path."""
    import requests

    def ids(path, key="id"):
        return [item[key] for item in requests.get(f"{hsds_live.base}/api/hsds{path}", params={"per_page": 30},
                                                   timeout=30).json()["contents"]]
    return {"/services/{id}": ids("/services"), "/organizations/{id}": ids("/organizations"),
            "/taxonomies/{id}": ids("/taxonomies"), "/taxonomy_terms/{id}": ids("/taxonomy_terms"),
            "/service_at_locations/{id}": ids("/service_at_locations")}


def strategies(operation, known: dict[str, list[str]]):
    """Valid and invalid requests, and requests on ids that exist, so that 200 bodies are checked too."""
    from hypothesis import strategies as st

    if operation.path in known:
        return requests_for(operation, st.sampled_from(known[operation.path]).flatmap(
            lambda value: operation.as_strategy(path_parameters={"id": value})))
    if operation.path != "/":
        # Real filters: HSDS booleans and formats, so full/minimal/ndjson bodies are exercised.
        return requests_for(operation, st.fixed_dictionaries({}, optional={
            "full": st.sampled_from(["true", "false"]), "minimal": st.sampled_from(["true", "false"]),
            "full_service": st.sampled_from(["true", "false"]), "per_page": st.sampled_from(["1", "5", "50"]),
            "page": st.sampled_from(["1", "2"]), "postcode": st.sampled_from(["2200", "2500"]),
            "proximity": st.sampled_from(["500", "3000"]), "top_only": st.sampled_from(["true", "false"]),
        }).flatmap(lambda query: operation.as_strategy(query=query)))
    return requests_for(operation)


def answered_as_documented_or_named_error(ctx, response, case):
    """The official document lists only 200: anything else must be a JSON 400 naming a parameter or a 404."""
    if response.status_code == 200:
        return None
    assert response.status_code in (400, 404), f"undocumented status {response.status_code}"
    body = response.json()
    assert body["error"]["message"]
    if response.status_code == 400:
        assert body["error"]["field"], "a 400 names the parameter at fault"
    return None


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m.upper()} {p}" for m, p in OPERATIONS])
def test_official_hsds_openapi_runs_clean(official_schema, known_ids, hsds_live, method, path):
    from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

    operation = official_schema[path][method]
    base = hsds_live.base + "/api/hsds"

    def send(case):
        response = case.call(base_url=base)
        checks = [not_a_server_error, answered_as_documented_or_named_error]
        if not str((case.query or {}).get("format", "")).strip().lower() == "ndjson":
            checks += [content_type_conformance, response_schema_conformance]
        case.validate_response(response, checks=checks)

    run_fuzz(strategies(operation, known_ids), send)
