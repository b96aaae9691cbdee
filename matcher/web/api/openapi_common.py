"""Building blocks of the OpenAPI document shared by its sections (``openapi``, ``openapi_children`` ...)."""

from __future__ import annotations

from typing import Any

BEARER = [{"bearer": []}]


def ref(name: str) -> dict[str, str]:
    """Return a $ref to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    """Return an application/json content block."""
    return {"content": {"application/json": {"schema": schema}}}


def errors(*codes: int) -> dict[str, Any]:
    """Return the standard JSON error responses for ``codes``."""
    texts = {400: "Ugyldig forespørgsel; `error.field` navngiver feltet", 401: "Mangler eller ugyldigt bearer-token",
             403: "Rollen giver ikke adgang", 404: "Findes ikke", 409: "Konflikt: en anden har ændret posten",
             429: "For mange forespørgsler (MATCHER_RATE_LIMIT_API pr. minut) eller mislykkede token-opslag fra "
                  "samme adresse (MATCHER_RATE_LIMIT_LOGIN pr. minut); vent `Retry-After` sekunder",
             503: "Databasen svarer ikke lige nu; prøv igen efter `Retry-After` sekunder"}
    return {str(c): {"description": texts[c], **json_content(ref("Error"))} for c in codes}


def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    """Return a query parameter."""
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def path_id(name: str) -> dict[str, Any]:
    """Return an integer path parameter."""
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


PAGING = [query("limit", {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}, "Højst så mange"),
          query("offset", {"type": "integer", "minimum": 0, "default": 0}, "Spring så mange over")]
NULL_STR = {"type": ["string", "null"]}
NULL_INT = {"type": ["integer", "null"]}
