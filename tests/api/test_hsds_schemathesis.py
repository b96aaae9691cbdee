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

import os

import pytest

from matcher.catalogue.hsds_schemas import openapi_document

IN_CI = os.environ.get("CI", "").lower() == "true"
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "15"))
OPERATIONS = [(method, path) for path, item in openapi_document()["paths"].items()
              for method in item if method in ("get", "post")]
MISSING = "schemathesis is not installed: pip install schemathesis (the HSDS fuzz test did not run)"

try:
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from schemathesis import GenerationMode
    from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance
except ImportError:  # pragma: no cover - depends on the environment
    schemathesis = None


@pytest.fixture(scope="module")
def official_schema(hsds_live):
    if schemathesis is None:
        if IN_CI:
            pytest.fail(MISSING + " (CI=true: the HSDS fuzz test must run)", pytrace=False)
        pytest.skip(MISSING)
    return schemathesis.openapi.from_dict(openapi_document())


@pytest.fixture(scope="module")
def known_ids(hsds_live):
    import requests

    def ids(path, key="id"):
        return [item[key] for item in requests.get(f"{hsds_live.base}/api/hsds{path}", params={"per_page": 30},
                                                   timeout=30).json()["contents"]]
    return {"/services/{id}": ids("/services"), "/organizations/{id}": ids("/organizations"),
            "/taxonomies/{id}": ids("/taxonomies"), "/taxonomy_terms/{id}": ids("/taxonomy_terms"),
            "/service_at_locations/{id}": ids("/service_at_locations")}


def strategies(operation, known: dict[str, list[str]]):
    """Valid and invalid requests, and requests on ids that exist, so that 200 bodies are checked too."""
    out = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    if operation.path in known:
        out.append(st.sampled_from(known[operation.path]).flatmap(
            lambda value: operation.as_strategy(path_parameters={"id": value})))
    elif operation.path != "/":
        # Real filters: HSDS booleans and formats, so full/minimal/ndjson bodies are exercised.
        out.append(st.fixed_dictionaries({}, optional={
            "full": st.sampled_from(["true", "false"]), "minimal": st.sampled_from(["true", "false"]),
            "full_service": st.sampled_from(["true", "false"]), "per_page": st.sampled_from(["1", "5", "50"]),
            "page": st.sampled_from(["1", "2"]), "postcode": st.sampled_from(["2200", "2500"]),
            "proximity": st.sampled_from(["500", "3000"]), "top_only": st.sampled_from(["true", "false"]),
        }).flatmap(lambda query: operation.as_strategy(query=query)))
    return st.one_of(out)


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
    operation = official_schema[path][method]
    base = hsds_live.base + "/api/hsds"

    @given(case=strategies(operation, known_ids))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
              database=None, print_blob=True)
    def fuzz(case):
        response = case.call(base_url=base)
        checks = [not_a_server_error, answered_as_documented_or_named_error]
        if not str((case.query or {}).get("format", "")).strip().lower() == "ndjson":
            checks += [content_type_conformance, response_schema_conformance]
        case.validate_response(response, checks=checks)

    fuzz()
