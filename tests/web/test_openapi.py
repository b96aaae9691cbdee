"""The OpenAPI document is public, valid in shape and documents every API route."""

from __future__ import annotations

import re

from matcher.catalogue.hsds_schemas import openapi_document
from matcher.web.api.openapi import document

HSDS = "/api/hsds"
#: The HSDS API's own documentation: the official OpenAPI document, its schemas and the Danish profile.
HSDS_DOCUMENTS = {"/api/hsds/openapi.json", "/api/hsds/profile", "/api/hsds/schema/{path}"}


def test_openapi_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.get_json()["openapi"].startswith("3.")


def test_every_api_route_is_documented(app):
    """Our routes are in our document; the HSDS routes in Open Referral's official document (``/api/hsds``)."""
    ours, official = document()["paths"], openapi_document("http://localhost/schema/")["paths"]
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        if path in HSDS_DOCUMENTS:
            continue
        paths = ours
        if path.startswith(HSDS + "/"):
            paths, path = official, path[len(HSDS):]
        assert path in paths, f"{path} is not in the OpenAPI document"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths[path], f"{method} {path} is not documented"


def test_references_resolve():
    doc = document()
    text = repr(doc)
    for name in set(re.findall(r"#/components/schemas/(\w+)", text)):
        assert name in doc["components"]["schemas"], name
    for path, item in doc["paths"].items():
        for name in re.findall(r"{(\w+)}", path):
            params = item.get("parameters", [])
            assert any(p["name"] == name and p["in"] == "path" for p in params), (path, name)
