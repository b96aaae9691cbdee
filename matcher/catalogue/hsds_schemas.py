"""The official HSDS 3.1 schemas and OpenAPI document, shipped in matcher/data/hsds (CC BY-SA 4.0)."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data" / "hsds" / "schema"
REMOTE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
# Compiled schemas the official OpenAPI document names, built from the entity schemas.
COMPILED = {"service": "service", "service_list": "service", "organization": "organization",
            "organization_list": "organization", "service_at_location": "service_at_location",
            "service_at_location_list": "service_at_location"}
# The official document answers GET /service_at_locations/{id} with compiled/service.json, which no
# service_at_location can satisfy (its own example lacks a service's required name and status).
SAL_BY_ID = "/service_at_locations/{id}"


def entity_names() -> list[str]:
    """Return the names of the shipped entity schemas (``service``, ``organization``, ...)."""
    return sorted(p.stem for p in SCHEMA_DIR.glob("*.json") if p.stem != "openapi")


@functools.lru_cache(maxsize=64)
def _raw(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


def entity(name: str) -> dict[str, Any]:
    """Return the official entity schema ``name`` (relative ``$ref``s as shipped)."""
    if name not in entity_names():
        raise KeyError(name)
    return copy.deepcopy(_raw(name))


def _inline(node: Any, seen: tuple[str, ...]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.endswith(".json") and "/" not in ref:
            name = ref[:-5]
            if name in seen:  # a cycle: leave an open object rather than recurse
                return {k: v for k, v in node.items() if k != "$ref"} | {"type": "object"}
            target = _inline(_raw(name), seen + (name,))
            return {**target, **{k: _inline(v, seen) for k, v in node.items() if k != "$ref"}}
        return {k: _inline(v, seen) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, seen) for v in node]
    return node


def _one_to_one(schema: dict[str, Any]) -> dict[str, Any]:
    out = dict(schema)
    props = {}
    for key, prop in (schema.get("properties") or {}).items():
        if prop.get("type") == "array":
            continue
        props[key] = _one_to_one(prop) if prop.get("type") == "object" or "properties" in prop else prop
    out["properties"] = props
    return out


@functools.lru_cache(maxsize=16)
def _compiled(name: str) -> str:
    base = COMPILED[name]
    schema = _inline(_raw(base), (base,))
    if name.endswith("_list"):
        schema = _one_to_one(schema)
    return json.dumps(schema)


def compiled(name: str) -> dict[str, Any]:
    """Return the compiled schema ``name``: references inlined; ``*_list`` keeps one-to-one fields only."""
    return json.loads(_compiled(name))


def openapi_document(schema_base: str | None = None) -> dict[str, Any]:
    """Return the official OpenAPI document with its remote ``$ref``s pointing under ``schema_base``.

    Without ``schema_base`` the schemas are inlined, so the document stands alone.
    """
    doc = json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))
    base = (schema_base or "").rstrip("/") + "/"

    def rewrite(node: Any, path: str = "") -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(REMOTE):
                local = ref[len(REMOTE):]
                if path == SAL_BY_ID and local == "compiled/service.json":
                    local = "compiled/service_at_location.json"
                if schema_base is None:
                    rest = {k: v for k, v in node.items() if k != "$ref"}
                    return {**schema_file(local), **rest}
                node = {**node, "$ref": base + local}
            return {k: rewrite(v, path) for k, v in node.items()}
        if isinstance(node, list):
            return [rewrite(v, path) for v in node]
        return node

    doc["paths"] = {p: rewrite(item, p) for p, item in doc["paths"].items()}
    return doc


def schema_file(path: str) -> dict[str, Any] | None:
    """Return the schema served at ``path`` (``service.json`` or ``compiled/service_list.json``), or None."""
    if not path.endswith(".json"):
        return None
    name = path[:-5]
    if name.startswith("compiled/"):
        name = name.removeprefix("compiled/")
        return compiled(name) if name in COMPILED else None
    return entity(name) if name in entity_names() else None
