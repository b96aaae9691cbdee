"""Schemathesis fuzzes every operation of /api/v1/openapi.json on a live server, as admin, key staff and
contact person: no 500s, only documented status codes and content types, and bodies matching the schema.

It uses schemathesis' Python API (``operation.as_strategy()`` + ``case.call_and_validate``) under plain
Hypothesis: its lazy pytest loader (``schemathesis.pytest.from_fixture``) breaks on pytest 9. Each operation
gets valid and invalid (negative) requests, and valid requests on ids that exist, so 200 bodies are checked too.
"""

from __future__ import annotations

import os
import re

import pytest

from matcher.clock import local_today
from matcher.web.api.openapi import document
from tests.api.conftest import TOKEN_ROLES
from tests.fuzzing import examples

IN_CI = os.environ.get("CI", "").lower() == "true"
MAX_EXAMPLES = examples(int(os.environ.get("API_FUZZ_EXAMPLES", "15")))  # per operation and role
HTTP_METHODS = ("get", "put", "post", "patch", "delete")
OPERATIONS = [(method, path) for path, item in document()["paths"].items() for method in item
              if method in HTTP_METHODS]
MISSING = "schemathesis is not installed: pip install schemathesis (the API fuzz test did not run)"

try:
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from schemathesis import GenerationMode
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )
except ImportError:  # pragma: no cover - depends on the environment
    schemathesis = None


@pytest.fixture(scope="module")
def api_schema(live_api):
    """Load the OpenAPI document from the live server (fail in CI, skip elsewhere, without schemathesis)."""
    if schemathesis is None:
        if IN_CI:
            pytest.fail(MISSING + " (CI=true: the API fuzz test must run)", pytrace=False)
        pytest.skip(MISSING)
    return schemathesis.openapi.from_url(f"{live_api.base}/api/v1/openapi.json")


def strategies(operation, ids: dict[str, list[int]]):
    """Return valid and invalid requests, and valid requests on existing ids (or a real period)."""
    out = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    names = re.findall(r"{(\w+)}", operation.path)
    if names:
        known = st.fixed_dictionaries({name: st.sampled_from(ids[name]) for name in names})
        out.append(known.flatmap(lambda values: operation.as_strategy(path_parameters=values)))
    if operation.path.endswith("/indicators"):
        out.append(operation.as_strategy(query={"period": str(local_today().year)}))
    return st.one_of(out)


@pytest.mark.parametrize("role", TOKEN_ROLES)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m.upper()} {p}" for m, p in OPERATIONS])
def test_api_conforms_to_its_openapi_document(api_schema, live_api, method, path, role):
    operation = api_schema[path][method]
    headers = {"Authorization": f"Bearer {live_api.tokens[role]}"}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

    @given(case=strategies(operation, live_api.ids))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
              database=None, print_blob=True)
    def fuzz(case):
        case.call_and_validate(base_url=live_api.base, headers=headers, checks=checks)

    fuzz()
