"""The OpenAPI document is public, valid in shape and documents every API route."""

from __future__ import annotations

import re

from matcher.web.api.openapi import document


def test_openapi_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.get_json()["openapi"].startswith("3.")


def test_every_api_route_is_documented(app):
    paths = document()["paths"]
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
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
