"""Schemathesis fuzzes every operation of /api/v1/openapi.json on a live server, as admin, key staff and
contact person: no 500s, only documented status codes and content types, and bodies matching the schema.

It uses schemathesis' Python API (``operation.as_strategy()`` + ``case.call_and_validate``) under plain
Hypothesis: its lazy pytest loader (``schemathesis.pytest.from_fixture``) breaks on pytest 9. Each operation
gets valid and invalid (negative) requests, and valid requests on ids that exist, so 200 bodies are checked too.
"""

from __future__ import annotations

import re

import pytest

from matcher.clock import local_today
from matcher.web.api.openapi import document
from tests.api.conftest import TOKEN_ROLES
from tests.api.fuzz import requests_for, require_schemathesis, run_fuzz, schemathesis

HTTP_METHODS = ("get", "put", "post", "patch", "delete")
OPERATIONS = [(method, path) for path, item in document()["paths"].items() for method in item
              if method in HTTP_METHODS]


@pytest.fixture(scope="module")
def api_schema(live_api):
    """Load the OpenAPI document from the live server (fail in CI, skip elsewhere, without schemathesis)."""
    require_schemathesis("API fuzz test")
    return schemathesis.openapi.from_url(f"{live_api.base}/api/v1/openapi.json")


def strategies(operation, ids: dict[str, list[int]]):
    """Return valid and invalid requests, and valid requests on existing ids (or a real period)."""
    from hypothesis import strategies as st

    extra = []
    names = re.findall(r"{(\w+)}", operation.path)
    if names:
        known = st.fixed_dictionaries({name: st.sampled_from(ids[name]) for name in names})
        extra.append(known.flatmap(lambda values: operation.as_strategy(path_parameters=values)))
    if operation.path.endswith("/indicators"):
        extra.append(operation.as_strategy(query={"period": str(local_today().year)}))
    return requests_for(operation, *extra)


@pytest.mark.parametrize("role", TOKEN_ROLES)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m.upper()} {p}" for m, p in OPERATIONS])
def test_api_conforms_to_its_openapi_document(api_schema, live_api, method, path, role):
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    operation = api_schema[path][method]
    headers = {"Authorization": f"Bearer {live_api.tokens[role]}"}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    run_fuzz(strategies(operation, live_api.ids),
             lambda case: case.call_and_validate(base_url=live_api.base, headers=headers, checks=checks))
